import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, InvalidTransition, NotFound, ValidationFailed } from '../../errors.ts';
import {
  actsForParty,
  transition,
  validateTransitionInput,
  type IssueAction,
  type IssueState,
  type Party,
  type SystemActor,
  SYSTEM_ACTOR,
} from '../../domain/issue-workflow.ts';
import { notify, partyRecipients, type NewNotification } from '../notifications/index.ts';
import { visibleIssuesWhere } from './scope.ts';

// The one way an issue changes state, shared by the issue page, joint meetings, fund votes and jobs.

export interface IssueActionInput {
  note?: string;
  reason?: string;
  party?: string;
  dueAt?: Date | null;
  rating?: string;
  ratingComment?: string;
  assignedOrg?: string;
  approvedAmountFen?: number;
  meetingId?: number;
  proposalId?: number;
}

export interface IssueActionResult {
  issueId: number;
  from: IssueState;
  to: IssueState;
  eventId: number;
  version: number;
}

/**
 * The one way an issue changes state. Checks the transition table for this actor, validates the input,
 * writes the new state and its event in the caller's transaction, and tells the people concerned.
 *
 * `expectedVersion` is the version the actor's form was rendered from: if someone else changed the
 * issue since, nothing is written and the actor is told (no lost update). Without it (system actors),
 * the version read inside this transaction is used, which still guards against a concurrent writer.
 */
export async function performIssueAction(
  tx: DbTx,
  who: Actor | 'system',
  issueId: number,
  action: IssueAction,
  input: IssueActionInput,
  options: {
    now: Date;
    expectedVersion?: number;
    /** A system action taken on a user's say (applying a meeting's minutes): the rule is the system's,
     * the event names that user. */
    onBehalfOf?: Actor;
  },
): Promise<IssueActionResult> {
  const scope = who === 'system' ? {} : visibleIssuesWhere(who);
  const issue = await tx.issue.findFirst({ where: { AND: [{ id: issueId }, scope] } });
  if (!issue) throw new NotFound();
  if (options.expectedVersion !== undefined && options.expectedVersion !== issue.version) {
    throw new Conflict('errors.issueChanged');
  }
  const from = issue.state as IssueState;
  const party = (issue.assignedParty as Party | null) ?? null;
  const ruleActor: SystemActor | { role: Actor['role']; userId: number; isReporter: boolean; isAssignedParty: boolean } =
    who === 'system'
      ? SYSTEM_ACTOR
      : {
          role: who.role,
          userId: who.userId,
          isReporter: issue.reporterId === who.userId,
          isAssignedParty: actsForParty(who.role, party),
        };
  const result = transition(from, ruleActor, action);
  if (!result.ok) {
    throw new InvalidTransition(result.error === 'invalid_action_for_state' ? 'errors.invalidTransition' : 'errors.notAllowed', {
      state: from,
    });
  }
  const fieldErrors = validateTransitionInput(action, input, party, options.now);
  if (fieldErrors.length > 0) throw new ValidationFailed(fieldErrors.map((e) => ({ field: e.field, code: e.code })));

  const now = options.now;
  const to = result.to;
  const data: Prisma.IssueUpdateManyMutationInput = { state: to, version: { increment: 1 }, updatedAt: now };
  const newParty = input.party?.trim() as Party | undefined;
  switch (action) {
    case 'accept':
    case 'reassign':
    case 'meeting_assign':
      data.assignedParty = newParty;
      data.assignedOrg = newParty === 'outside' ? (input.assignedOrg ?? '').trim().slice(0, 60) : '';
      if (input.dueAt) {
        data.resolveBy = input.dueAt;
        // A new deadline is watched afresh: passing it tells the community again.
        data.overdueNotifiedAt = null;
      }
      if (!issue.acceptedAt) data.acceptedAt = now;
      break;
    case 'handoff':
      data.assignedParty = newParty;
      data.assignedOrg = newParty === 'outside' ? (input.assignedOrg ?? '').trim().slice(0, 60) : '';
      data.handoffCount = { increment: 1 };
      break;
    case 'start':
      if (!issue.startedAt) data.startedAt = now;
      break;
    case 'resolve':
      data.resolvedAt = now;
      break;
    case 'reject':
    case 'meeting_reject':
      data.rejectedAt = now;
      data.rejectReason = (input.reason ?? '').trim();
      break;
    case 'confirm':
      data.closedAt = now;
      data.rating = input.rating ?? null;
      data.ratingComment = (input.ratingComment ?? '').trim().slice(0, 500);
      data.ratedAt = now;
      break;
    case 'auto_close':
      data.closedAt = now;
      break;
    case 'reopen':
      data.reopenCount = { increment: 1 };
      data.resolvedAt = null;
      break;
    case 'vote_passed':
    case 'emergency_fund_confirmed':
      if (input.approvedAmountFen !== undefined) data.approvedAmountFen = input.approvedAmountFen;
      break;
    default:
      break;
  }
  const updated = await tx.issue.updateMany({ where: { id: issue.id, version: issue.version }, data });
  if (updated.count !== 1) throw new Conflict('errors.issueChanged');

  const event = await tx.issueEvent.create({
    data: {
      issueId: issue.id,
      actorId: who === 'system' ? (options.onBehalfOf?.userId ?? null) : who.userId,
      actorRole: who === 'system' ? (options.onBehalfOf?.role ?? 'system') : who.role,
      action,
      fromState: from,
      toState: to,
      party: newParty ?? null,
      note: (input.note ?? input.reason ?? '').trim(),
      meetingId: input.meetingId ?? null,
      proposalId: input.proposalId ?? null,
      createdAt: now,
    },
  });

  const notes: NewNotification[] = [];
  const actorId = who === 'system' ? (options.onBehalfOf?.userId ?? null) : who.userId;
  if (issue.reporterId !== actorId && from !== to) {
    notes.push({
      userId: issue.reporterId,
      kind: 'issue_state_changed',
      params: { id: issue.id, title: issue.title, state: to },
      link: `/issues/${issue.id}`,
      issueId: issue.id,
    });
  }
  const assignedTo =
    action === 'accept' || action === 'reassign' || action === 'handoff' || action === 'meeting_assign'
      ? newParty
      : action === 'reopen'
        ? (party ?? undefined)
        : undefined;
  if (assignedTo) {
    const recipients = await partyRecipients(tx, issue.estateId, assignedTo);
    for (const userId of recipients) {
      if (userId === actorId) continue;
      notes.push({
        userId,
        kind: action === 'reopen' ? 'issue_reopened' : 'issue_assigned',
        params: { id: issue.id, title: issue.title },
        link: `/issues/${issue.id}`,
        issueId: issue.id,
      });
    }
  }
  await notify(tx, notes);
  return { issueId: issue.id, from, to, eventId: event.id, version: issue.version + 1 };
}

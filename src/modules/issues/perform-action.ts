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
import { notifyIssueMove } from './action-notifications.ts';
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
  /** mark_duplicate: the original, already checked by the caller (duplicates.ts). */
  duplicateOfId?: number;
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
  const data: Prisma.IssueUncheckedUpdateManyInput = { state: to, version: { increment: 1 }, updatedAt: now };
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
      // The deadline it works to (acceptance → resolution, or a new one) or the party holding it changed:
      // whoever holds it now is warned before it.
      data.deadlineWarnedAt = null;
      if (!issue.acceptedAt) data.acceptedAt = now;
      break;
    case 'handoff':
      data.assignedParty = newParty;
      data.assignedOrg = newParty === 'outside' ? (input.assignedOrg ?? '').trim().slice(0, 60) : '';
      data.handoffCount = { increment: 1 };
      // The party now holding it is warned before the deadline in its turn.
      data.deadlineWarnedAt = null;
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
    case 'mark_duplicate':
      // Closed, never resolved: resolvedAt stays null so the 解决率 does not count it, and no rating is asked.
      if (input.duplicateOfId === undefined) throw new ValidationFailed([{ field: 'originalId', code: 'required' }]);
      data.closedAt = now;
      data.duplicateOfId = input.duplicateOfId;
      break;
    case 'reopen':
      data.reopenCount = { increment: 1 };
      data.resolvedAt = null;
      // Back to work against the same deadline: warned again if it is still ahead.
      data.deadlineWarnedAt = null;
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

  await notifyIssueMove(tx, {
    issue,
    action,
    from,
    to,
    firstStart: issue.startedAt === null,
    newParty: newParty ?? null,
    assignedParty: party,
    actorId: who === 'system' ? (options.onBehalfOf?.userId ?? null) : who.userId,
    reason: input.reason,
    duplicateOfId: input.duplicateOfId,
    now,
  });
  return { issueId: issue.id, from, to, eventId: event.id, version: issue.version + 1 };
}

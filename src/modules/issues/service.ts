import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { Db, DbTx } from '../../plugins/db.ts';
import { Conflict, InvalidTransition, NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import {
  ISSUE_STATES,
  actsForParty,
  transition,
  validateTransitionInput,
  type IssueAction,
  type IssueState,
  type Party,
  type SystemActor,
  SYSTEM_ACTOR,
} from '../../domain/issue-workflow.ts';
import { dueDates } from '../../domain/deadlines.ts';
import { notify, partyRecipients, type NewNotification } from '../notifications/service.ts';
import { removeStoredFiles, storeFiles, type CheckedFile } from '../attachments/service.ts';
import { visibleIssuesWhere } from './scope.ts';

export const LOCATION_TYPES = ['unit', 'building', 'estate'] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];
export const TITLE_MAX = 60;
export const DESCRIPTION_MAX = 2000;
export const LOCATION_NOTE_MAX = 100;
export const PAGE_SIZE = 20;

export interface FileIssueInput {
  categoryId: string;
  locationType: string;
  locationNote: string;
  title: string;
  description: string;
  submissionKey: string;
}

const length = (s: string) => Array.from(s).length;

/** Field errors for a new issue; the category and the actor's unit are checked against the database. */
export async function validateNewIssue(db: DbTx, actor: Actor, input: FileIssueInput): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const title = input.title.trim();
  const description = input.description.trim();
  if (title === '') errors.push({ field: 'title', code: 'required' });
  else if (length(title) > TITLE_MAX) errors.push({ field: 'title', code: 'too_long', params: { max: TITLE_MAX } });
  if (description === '') errors.push({ field: 'description', code: 'required' });
  else if (length(description) > DESCRIPTION_MAX) errors.push({ field: 'description', code: 'too_long', params: { max: DESCRIPTION_MAX } });
  if (length(input.locationNote.trim()) > LOCATION_NOTE_MAX) {
    errors.push({ field: 'locationNote', code: 'too_long', params: { max: LOCATION_NOTE_MAX } });
  }
  const categoryId = Number(input.categoryId);
  if (input.categoryId === '') errors.push({ field: 'categoryId', code: 'required' });
  else if (!Number.isInteger(categoryId) || !(await db.category.findFirst({ where: { id: categoryId, active: true }, select: { id: true } }))) {
    errors.push({ field: 'categoryId', code: 'unknown_category' });
  }
  if (!(LOCATION_TYPES as readonly string[]).includes(input.locationType)) {
    errors.push({ field: 'locationType', code: 'required' });
  } else if (input.locationType !== 'estate' && (actor.unitId === null || actor.buildingId === null)) {
    // A unit or building location is always the resident's own; one without a unit picks the estate.
    errors.push({ field: 'locationType', code: 'not_your_unit' });
  }
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(input.submissionKey)) errors.push({ field: 'form', code: 'stale_form' });
  return errors;
}

/**
 * Files a resident's issue with its photos. The photo files are written first and the rows in one
 * transaction; if the transaction fails the files are removed, so nothing is half-written. The same
 * form submitted twice (same submission key) files once and returns the first issue.
 */
export async function fileIssue(
  db: Db,
  actor: Actor,
  input: FileIssueInput,
  photos: CheckedFile[],
  uploadDir: string,
  now: Date,
): Promise<{ issueId: number; duplicate: boolean }> {
  if (actor.role !== 'resident' || actor.homeEstateId === null) throw new NotFound();
  const existing = await db.issue.findUnique({
    where: { reporterId_submissionKey: { reporterId: actor.userId, submissionKey: input.submissionKey } },
    select: { id: true },
  });
  if (existing) return { issueId: existing.id, duplicate: true };

  const errors = await validateNewIssue(db, actor, input);
  if (errors.length > 0) throw new ValidationFailed(errors);

  const category = await db.category.findUniqueOrThrow({ where: { id: Number(input.categoryId) } });
  const locationType = input.locationType as LocationType;
  const due = dueDates(category, now);
  const stored = await storeFiles(uploadDir, photos);
  try {
    const issue = await db.$transaction(async (tx) => {
      const created = await tx.issue.create({
        data: {
          estateId: actor.homeEstateId as number,
          buildingId: locationType === 'estate' ? null : actor.buildingId,
          unitId: locationType === 'unit' ? actor.unitId : null,
          locationType,
          locationNote: input.locationNote.trim(),
          isPublic: locationType !== 'unit',
          categoryId: category.id,
          emergency: category.emergency,
          title: input.title.trim(),
          description: input.description.trim(),
          reporterId: actor.userId,
          submissionKey: input.submissionKey,
          state: ISSUE_STATES.submitted,
          respondBy: due.respondBy,
          resolveBy: due.resolveBy,
          createdAt: now,
        },
      });
      await tx.issueEvent.create({
        data: {
          issueId: created.id,
          actorId: actor.userId,
          actorRole: actor.role,
          action: 'submit',
          fromState: null,
          toState: ISSUE_STATES.submitted,
          createdAt: now,
        },
      });
      if (stored.length > 0) {
        await tx.attachment.createMany({
          data: stored.map((f) => ({
            storageKey: f.storageKey,
            mime: f.mime,
            sizeBytes: f.sizeBytes,
            originalName: f.originalName,
            sha256: f.sha256,
            uploaderId: actor.userId,
            issueId: created.id,
            createdAt: now,
          })),
        });
      }
      const staff = await partyRecipients(tx, created.estateId, 'community');
      await notify(
        tx,
        staff.map((userId) => ({
          userId,
          kind: category.emergency ? 'issue_submitted_emergency' : 'issue_submitted',
          params: { id: created.id, title: created.title },
          link: `/issues/${created.id}`,
          issueId: created.id,
        })),
      );
      return created;
    });
    return { issueId: issue.id, duplicate: false };
  } catch (error) {
    await removeStoredFiles(uploadDir, stored);
    // A double submission racing the first: the unique key caught it; answer with the first issue.
    if ((error as { code?: string }).code === 'P2002') {
      const first = await db.issue.findUnique({
        where: { reporterId_submissionKey: { reporterId: actor.userId, submissionKey: input.submissionKey } },
        select: { id: true },
      });
      if (first) return { issueId: first.id, duplicate: true };
    }
    throw error;
  }
}

export interface MyIssuesQuery {
  state?: string;
  page: number;
}

/** The resident's own issues, newest first, filtered by state, one page at a time. */
export async function listMyIssues(db: Db, actor: Actor, query: MyIssuesQuery) {
  const where: Prisma.IssueWhereInput = { reporterId: actor.userId };
  if (query.state && (Object.values(ISSUE_STATES) as string[]).includes(query.state)) where.state = query.state;
  const [total, items] = await Promise.all([
    db.issue.count({ where }),
    db.issue.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        title: true,
        state: true,
        emergency: true,
        createdAt: true,
        resolveBy: true,
        category: { select: { nameZh: true, nameEn: true } },
        _count: { select: { attachments: true, supports: true } },
      },
    }),
  ]);
  return { total, items, page: query.page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

/** One issue with everything its page shows, or NotFound if the actor may not see it. */
export async function getIssueForActor(db: Db, actor: Actor, id: number) {
  const issue = await db.issue.findFirst({
    where: { AND: [{ id }, visibleIssuesWhere(actor)] },
    include: {
      category: true,
      estate: { select: { id: true, name: true } },
      building: { select: { id: true, name: true } },
      unit: { select: { id: true, room: true, entrance: true } },
      reporter: { select: { id: true, displayName: true, phone: true } },
      events: {
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        include: {
          actor: { select: { id: true, displayName: true, role: true, orgName: true } },
          attachments: { select: { id: true, mime: true, originalName: true } },
          meeting: { select: { id: true, title: true } },
        },
      },
      attachments: { where: { eventId: null, commentId: null }, select: { id: true, mime: true, originalName: true } },
      comments: {
        orderBy: { createdAt: 'asc' },
        include: {
          author: { select: { id: true, displayName: true, role: true } },
          attachments: { select: { id: true, mime: true, originalName: true } },
        },
      },
      _count: { select: { supports: true } },
    },
  });
  if (!issue) throw new NotFound();
  return issue;
}

// ───────────────────────────── transitions (shared by issues, meetings and votes) ─────────────────────────────

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
  options: { now: Date; expectedVersion?: number },
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
      if (input.dueAt) data.resolveBy = input.dueAt;
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
      actorId: who === 'system' ? null : who.userId,
      actorRole: who === 'system' ? 'system' : who.role,
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
  const actorId = who === 'system' ? null : who.userId;
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
        ? party ?? undefined
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

/** Issues an actor's scope covers, emergencies and then the oldest first (the staff queue). */
export async function listScopedIssues(db: Db, actor: Actor, query: MyIssuesQuery) {
  const where: Prisma.IssueWhereInput = { AND: [visibleIssuesWhere(actor)] };
  if (query.state && (Object.values(ISSUE_STATES) as string[]).includes(query.state)) where.state = query.state;
  const [total, items] = await Promise.all([
    db.issue.count({ where }),
    db.issue.findMany({
      where,
      orderBy: [{ emergency: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        title: true,
        state: true,
        emergency: true,
        createdAt: true,
        resolveBy: true,
        category: { select: { nameZh: true, nameEn: true } },
        _count: { select: { attachments: true, supports: true } },
      },
    }),
  ]);
  return { total, items, page: query.page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

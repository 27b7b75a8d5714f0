import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { Db, DbTx } from '../../plugins/db.ts';
import { BadRequest, Conflict, InvalidTransition, NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import {
  ISSUE_STATES,
  PARTIES,
  actsForParty,
  availableActions,
  isBouncing,
  transition,
  validateTransitionInput,
  type IssueAction,
  type IssueState,
  type Party,
  type SystemActor,
  SYSTEM_ACTOR,
} from '../../domain/issue-workflow.ts';
import { dueDates, parseShanghaiLocal } from '../../domain/deadlines.ts';
import { notify, partyRecipients, type NewNotification } from '../notifications/service.ts';
import { recordAttachments, removeStoredFiles, storeFiles, type CheckedFile } from '../attachments/service.ts';
import { visibleIssuesWhere } from './scope.ts';
import { visibleProposalsWhere } from '../votes/scope.ts';

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
      await recordAttachments(tx, stored, actor.userId, { issueId: created.id }, now);
      await notifyNewIssue(tx, created, category.emergency);
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

/** Community staff triage every new issue: tell them one has arrived (emergencies say so). */
async function notifyNewIssue(tx: DbTx, issue: { id: number; estateId: number; title: string }, emergency: boolean) {
  const staff = await partyRecipients(tx, issue.estateId, 'community');
  await notify(
    tx,
    staff.map((userId) => ({
      userId,
      kind: emergency ? 'issue_submitted_emergency' : 'issue_submitted',
      params: { id: issue.id, title: issue.title },
      link: `/issues/${issue.id}`,
      issueId: issue.id,
    })),
  );
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
      agendaItems: {
        orderBy: { meeting: { startsAt: 'asc' } },
        select: {
          id: true,
          meeting: { select: { id: true, title: true, startsAt: true, status: true } },
          decision: { select: { kind: true, party: true, dueAt: true, reason: true, appliedAt: true } },
        },
      },
      proposals: {
        where: visibleProposalsWhere(actor),
        orderBy: { createdAt: 'asc' },
        select: { id: true, title: true, status: true, amountFen: true, closesAt: true, emergency: true },
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

// ───────────────────────────── queues ─────────────────────────────

/** The tabs of a staff queue; each role starts on the first of its own. */
export const QUEUE_VIEWS = {
  community: ['triage', 'open', 'overdue', 'resolved', 'all'],
  property: ['assigned', 'open', 'all'],
  committee: ['assigned', 'open', 'all'],
  admin: ['open', 'all'],
} as const;
export type QueueView = 'triage' | 'assigned' | 'open' | 'overdue' | 'resolved' | 'all';

export function queueViewsFor(role: Actor['role']): readonly QueueView[] {
  return role === 'resident' ? [] : QUEUE_VIEWS[role];
}

export interface QueueQuery {
  view?: string;
  state?: string;
  categoryId?: number;
  buildingId?: number;
  party?: string;
  overdue?: boolean;
  emergency?: boolean;
  page: number;
}

const OPEN_STATE_LIST: string[] = [
  ISSUE_STATES.submitted,
  ISSUE_STATES.accepted,
  ISSUE_STATES.in_progress,
  ISSUE_STATES.awaiting_meeting,
  ISSUE_STATES.awaiting_vote,
];

/** Still waiting on someone past its deadline: not accepted past the response deadline, or open past the resolution one. */
export function overdueWhere(now: Date): Prisma.IssueWhereInput {
  return {
    OR: [
      { state: ISSUE_STATES.submitted, respondBy: { lt: now } },
      { state: { in: OPEN_STATE_LIST }, resolveBy: { lt: now } },
    ],
  };
}

export function isOverdueNow(issue: { state: string; respondBy: Date; resolveBy: Date }, now: Date): boolean {
  if (!OPEN_STATE_LIST.includes(issue.state)) return false;
  return issue.resolveBy < now || (issue.state === ISSUE_STATES.submitted && issue.respondBy < now);
}

const QUEUE_SELECT = {
  id: true,
  title: true,
  state: true,
  emergency: true,
  createdAt: true,
  respondBy: true,
  resolveBy: true,
  assignedParty: true,
  assignedOrg: true,
  handoffCount: true,
  reopenCount: true,
  estate: { select: { name: true } },
  building: { select: { name: true } },
  category: { select: { nameZh: true, nameEn: true } },
  _count: { select: { attachments: true, supports: true } },
} satisfies Prisma.IssueSelect;

/**
 * A staff member's queue: the role's tab (community: to triage; property/committee: assigned to their
 * party) narrowed by the filters, emergencies first, then the most "me too", then the oldest. Two
 * queries (count and page), the me-too count through _count.
 */
export async function listQueue(db: Db, actor: Actor, query: QueueQuery, now: Date) {
  const views = queueViewsFor(actor.role);
  const view: QueueView = (views as readonly string[]).includes(query.view ?? '') ? (query.view as QueueView) : (views[0] ?? 'all');
  const and: Prisma.IssueWhereInput[] = [visibleIssuesWhere(actor)];
  switch (view) {
    case 'triage':
      and.push({ state: ISSUE_STATES.submitted });
      break;
    case 'assigned':
      and.push({ assignedParty: actor.role, state: { in: OPEN_STATE_LIST } });
      break;
    case 'open':
      and.push({ state: { in: OPEN_STATE_LIST } });
      break;
    case 'overdue':
      and.push(overdueWhere(now));
      break;
    case 'resolved':
      and.push({ state: ISSUE_STATES.resolved });
      break;
    case 'all':
      break;
  }
  if (query.state && (Object.values(ISSUE_STATES) as string[]).includes(query.state)) and.push({ state: query.state });
  if (query.categoryId) and.push({ categoryId: query.categoryId });
  if (query.buildingId) and.push({ buildingId: query.buildingId });
  if (query.party && (PARTIES as readonly string[]).includes(query.party)) and.push({ assignedParty: query.party });
  if (query.overdue) and.push(overdueWhere(now));
  if (query.emergency) and.push({ emergency: true });
  const where: Prisma.IssueWhereInput = { AND: and };
  const [total, rows] = await Promise.all([
    db.issue.count({ where }),
    db.issue.findMany({
      where,
      orderBy: [{ emergency: 'desc' }, { supports: { _count: 'desc' } }, { createdAt: 'asc' }, { id: 'asc' }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: QUEUE_SELECT,
    }),
  ]);
  const items = rows.map((i) => ({ ...i, overdue: isOverdueNow(i, now), bouncing: isBouncing(i.handoffCount) }));
  return { view, views, total, items, page: query.page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

/** What the queue's filter menus offer: the categories and the buildings of the actor's estates. */
export async function queueFilterOptions(db: Db, actor: Actor) {
  const estateWhere: Prisma.BuildingWhereInput = actor.role === 'admin' ? {} : { estateId: { in: actor.estateIds } };
  const [categories, buildings] = await Promise.all([
    db.category.findMany({ orderBy: [{ emergency: 'desc' }, { sortOrder: 'asc' }], select: { id: true, nameZh: true, nameEn: true } }),
    db.building.findMany({
      where: estateWhere,
      orderBy: [{ estateId: 'asc' }, { sortOrder: 'asc' }, { name: 'asc' }],
      select: { id: true, name: true, estate: { select: { name: true } } },
    }),
  ]);
  return { categories, buildings };
}

export const PUBLIC_STATES = ['open', 'resolved', 'closed', 'all'] as const;

/**
 * The estate's public (common-area) issues for its residents, with who may "me too": everything but
 * rejected ones, most "me too" first among the open. Reporter names are masked by the view.
 */
export async function listPublicIssues(db: Db, actor: Actor, query: { state?: string; page: number }) {
  if (actor.role !== 'resident' || actor.homeEstateId === null) throw new NotFound();
  const show = (PUBLIC_STATES as readonly string[]).includes(query.state ?? '') ? (query.state as string) : 'open';
  const stateFilter: Prisma.IssueWhereInput =
    show === 'open'
      ? { state: { in: OPEN_STATE_LIST } }
      : show === 'all'
        ? { state: { not: ISSUE_STATES.rejected } }
        : { state: show };
  const where: Prisma.IssueWhereInput = { estateId: actor.homeEstateId, isPublic: true, ...stateFilter };
  const [total, rows] = await Promise.all([
    db.issue.count({ where }),
    db.issue.findMany({
      where,
      orderBy: [{ emergency: 'desc' }, { supports: { _count: 'desc' } }, { createdAt: 'desc' }, { id: 'desc' }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: publicSelect(actor.userId),
    }),
  ]);
  const items = rows.map((row) => publicRow(row, actor.userId));
  return { show, total, items, page: query.page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

function publicSelect(userId: number) {
  return {
    id: true,
    title: true,
    state: true,
    emergency: true,
    createdAt: true,
    reporterId: true,
    reporter: { select: { displayName: true } },
    building: { select: { name: true } },
    category: { select: { nameZh: true, nameEn: true } },
    supports: { where: { userId }, select: { userId: true } },
    _count: { select: { supports: true, attachments: true } },
  } satisfies Prisma.IssueSelect;
}

function publicRow(
  { supports, ...i }: Prisma.IssueGetPayload<{ select: ReturnType<typeof publicSelect> }>,
  userId: number,
) {
  return {
    ...i,
    mine: i.reporterId === userId,
    supported: supports.length > 0,
    canSupport: canSupportState(i.state) && i.reporterId !== userId && supports.length === 0,
  };
}

/** One row of the public list, as it stands after a "me too" (the htmx answer). */
export async function publicIssueRow(db: Db, actor: Actor, issueId: number) {
  if (actor.role !== 'resident' || actor.homeEstateId === null) throw new NotFound();
  const row = await db.issue.findFirst({
    where: { id: issueId, estateId: actor.homeEstateId, isPublic: true },
    select: publicSelect(actor.userId),
  });
  if (!row) throw new NotFound();
  return publicRow(row, actor.userId);
}

function canSupportState(state: string): boolean {
  return state !== ISSUE_STATES.closed && state !== ISSUE_STATES.rejected;
}

/**
 * 附议: a resident of the estate adds "me too" to a public issue. Idempotent (one per resident); not on
 * one's own issue, and not once the issue is closed or rejected.
 */
export async function supportIssue(db: Db, actor: Actor, issueId: number, now: Date): Promise<{ created: boolean }> {
  if (actor.role !== 'resident' || actor.homeEstateId === null) throw new NotFound();
  const issue = await db.issue.findFirst({
    where: { id: issueId, estateId: actor.homeEstateId, isPublic: true },
    select: { id: true, state: true, reporterId: true },
  });
  if (!issue) throw new NotFound();
  if (issue.reporterId === actor.userId) throw new BadRequest('issues.support.own');
  if (!canSupportState(issue.state)) throw new InvalidTransition('issues.support.notOpen', { state: issue.state });
  const existing = await db.support.findUnique({ where: { issueId_userId: { issueId, userId: actor.userId } } });
  if (existing) return { created: false };
  try {
    await db.support.create({ data: { issueId, userId: actor.userId, createdAt: now } });
    return { created: true };
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') return { created: false };
    throw error;
  }
}

// ───────────────────────────── comments ─────────────────────────────

export const COMMENT_MAX = 2000;

/** A comment (or a party's progress note) with photos, by anyone who can see the issue. */
export async function addComment(
  db: Db,
  actor: Actor,
  issueId: number,
  body: string,
  photos: CheckedFile[],
  uploadDir: string,
  now: Date,
): Promise<number> {
  const issue = await db.issue.findFirst({ where: { AND: [{ id: issueId }, visibleIssuesWhere(actor)] }, select: { id: true } });
  if (!issue) throw new NotFound();
  const text = body.trim();
  if (text === '') throw new ValidationFailed([{ field: 'body', code: 'required' }]);
  if (length(text) > COMMENT_MAX) throw new ValidationFailed([{ field: 'body', code: 'too_long', params: { max: COMMENT_MAX } }]);
  // The same comment sent twice (a double tap, a resend) is posted once.
  const duplicate = await db.comment.findFirst({
    where: { issueId, authorId: actor.userId, body: text, createdAt: { gte: new Date(now.getTime() - 10 * 60_000) } },
    select: { id: true },
  });
  if (duplicate) return duplicate.id;
  const stored = await storeFiles(uploadDir, photos);
  try {
    return await db.$transaction(async (tx) => {
      const comment = await tx.comment.create({ data: { issueId, authorId: actor.userId, body: text, createdAt: now } });
      await recordAttachments(tx, stored, actor.userId, { commentId: comment.id }, now);
      return comment.id;
    });
  } catch (error) {
    await removeStoredFiles(uploadDir, stored);
    throw error;
  }
}

// ───────────────────────────── actions from the issue page ─────────────────────────────

/** The actions a user may take from the issue page (system moves are never buttons). */
export const FORM_ACTIONS = ['accept', 'reject', 'reassign', 'start', 'handoff', 'escalate', 'resolve', 'confirm', 'reopen'] as const;
export type FormAction = (typeof FORM_ACTIONS)[number];

export function isFormAction(value: string): value is FormAction {
  return (FORM_ACTIONS as readonly string[]).includes(value);
}

/** What an issue page offers this actor: the workflow's allowed actions, plus "not fixed" on a closed issue. */
export function actionsFor(
  actor: Actor,
  issue: { state: string; reporterId: number; assignedParty: string | null },
): string[] {
  const ruleActor = {
    role: actor.role,
    userId: actor.userId,
    isReporter: issue.reporterId === actor.userId,
    isAssignedParty: actsForParty(actor.role, (issue.assignedParty as Party | null) ?? null),
  };
  const allowed: string[] = availableActions(issue.state as IssueState, ruleActor).filter(
    (a) => isFormAction(a) || a === 'open_vote',
  );
  if (issue.state === ISSUE_STATES.closed && actor.role === 'resident' && issue.reporterId === actor.userId) allowed.push('reopen');
  return allowed;
}

export interface ActionForm {
  version: number | null;
  party: string;
  assignedOrg: string;
  dueAt: string;
  reason: string;
  note: string;
  rating: string;
  ratingComment: string;
}

export const ORG_MAX = 60;

/**
 * One action from the issue page, with the form's version, in one transaction: the state change, its
 * event and its photos (attached to the event), or nothing at all. A "not fixed" on a closed issue files
 * a linked follow-up issue instead (DOMAIN.md: closed is terminal).
 */
export async function actOnIssue(
  db: Db,
  actor: Actor,
  issueId: number,
  action: FormAction,
  form: ActionForm,
  photos: CheckedFile[],
  uploadDir: string,
  now: Date,
): Promise<{ issueId: number; linked: boolean }> {
  if (form.version === null) throw new ValidationFailed([{ field: 'form', code: 'stale_form' }]);
  const expectedVersion = form.version;
  const stored = await storeFiles(uploadDir, photos);
  try {
    return await db.$transaction(
      async (tx) => {
        if (action === 'reopen') {
          const current = await tx.issue.findFirst({ where: { AND: [{ id: issueId }, visibleIssuesWhere(actor)] } });
          if (!current) throw new NotFound();
          if (current.version !== expectedVersion) throw new Conflict('errors.issueChanged');
          if (current.state === ISSUE_STATES.closed) {
            if (actor.role !== 'resident' || current.reporterId !== actor.userId) {
              throw new InvalidTransition('errors.notAllowed', { state: current.state });
            }
            const id = await fileLinkedIssue(tx, actor, current, form.note, stored, now);
            return { issueId: id, linked: true };
          }
        }
        const dueAt = form.dueAt.trim() === '' ? null : (parseShanghaiLocal(form.dueAt) ?? new Date(Number.NaN));
        // Blank means absent: the event's note falls back to the reason (hand-off, rejection).
        const input: IssueActionInput = {
          note: form.note.trim() === '' ? undefined : form.note,
          reason: form.reason.trim() === '' ? undefined : form.reason,
          party: form.party,
          assignedOrg: form.assignedOrg,
          dueAt,
          rating: form.rating,
          ratingComment: form.ratingComment,
        };
        const orgErrors: FieldError[] = [];
        const needsParty = action === 'accept' || action === 'reassign' || action === 'handoff';
        if (needsParty && form.party === 'outside') {
          if (form.assignedOrg.trim() === '') orgErrors.push({ field: 'assignedOrg', code: 'required' });
          else if (length(form.assignedOrg.trim()) > ORG_MAX) orgErrors.push({ field: 'assignedOrg', code: 'too_long', params: { max: ORG_MAX } });
        }
        if (length(form.ratingComment.trim()) > 500) orgErrors.push({ field: 'ratingComment', code: 'too_long', params: { max: 500 } });
        let result: IssueActionResult;
        try {
          result = await performIssueAction(tx, actor, issueId, action, input, { now, expectedVersion });
        } catch (error) {
          if (error instanceof ValidationFailed && orgErrors.length > 0) throw new ValidationFailed([...error.errors, ...orgErrors]);
          throw error;
        }
        if (orgErrors.length > 0) throw new ValidationFailed(orgErrors);
        await recordAttachments(tx, stored, actor.userId, { eventId: result.eventId }, now);
        return { issueId: result.issueId, linked: false };
      },
    );
  } catch (error) {
    await removeStoredFiles(uploadDir, stored);
    throw error;
  }
}

/** A resident's "not fixed" after closure: a new issue, linked to the closed one, in the same place. */
async function fileLinkedIssue(
  tx: DbTx,
  actor: Actor,
  closed: Prisma.IssueGetPayload<object>,
  note: string,
  stored: { storageKey: string; mime: string; sizeBytes: number; originalName: string; sha256: string }[],
  now: Date,
): Promise<number> {
  const category = await tx.category.findUniqueOrThrow({ where: { id: closed.categoryId } });
  const due = dueDates(category, now);
  const text = note.trim();
  if (length(text) > DESCRIPTION_MAX) throw new ValidationFailed([{ field: 'note', code: 'too_long', params: { max: DESCRIPTION_MAX } }]);
  const created = await tx.issue.create({
    data: {
      estateId: closed.estateId,
      buildingId: closed.buildingId,
      unitId: closed.unitId,
      locationType: closed.locationType,
      locationNote: closed.locationNote,
      isPublic: closed.isPublic,
      categoryId: closed.categoryId,
      emergency: category.emergency,
      title: closed.title,
      description: text === '' ? closed.description : `${text}\n\n${closed.description}`.slice(0, DESCRIPTION_MAX),
      reporterId: actor.userId,
      // One follow-up per closed issue and version: a double-submitted "not fixed" files once.
      submissionKey: `reopen-${closed.id}-${closed.version}`,
      state: ISSUE_STATES.submitted,
      respondBy: due.respondBy,
      resolveBy: due.resolveBy,
      linkedFromId: closed.id,
      createdAt: now,
    },
  });
  const event = await tx.issueEvent.create({
    data: {
      issueId: created.id,
      actorId: actor.userId,
      actorRole: actor.role,
      action: 'submit',
      fromState: null,
      toState: ISSUE_STATES.submitted,
      note: text,
      createdAt: now,
    },
  });
  // The closed issue's version moves on so the same stale form cannot file a second follow-up.
  await tx.issue.update({ where: { id: closed.id }, data: { version: { increment: 1 }, updatedAt: now } });
  await recordAttachments(tx, stored, actor.userId, { eventId: event.id }, now);
  await notifyNewIssue(tx, created, category.emergency);
  return created.id;
}

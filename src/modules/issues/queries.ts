import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound } from '../../errors.ts';
import { ISSUE_STATES, PARTIES, isBouncing } from '../../domain/issue-workflow.ts';
import { activeCategories, allCategories, buildingsWithEstateName, unitWithBuilding } from '../places/index.ts';
import { visibleProposals } from '../../domain/proposal-workflow.ts';
import { visibleIssuesWhere } from './scope.ts';
import { OPEN_STATE_LIST, isOverdueNow, overdueWhere } from './overdue.ts';
import { canSupportState } from './page-actions.ts';

/** Read models for the issue pages: each shaped for its view, a few statements each. */

const PAGE_SIZE = 20;
const pages = (total: number) => Math.max(1, Math.ceil(total / PAGE_SIZE));

/** What the filing form offers: the active categories and the resident's own unit (if registered). */
export async function newIssueFormData(db: DbTx, actor: Actor) {
  const [categories, unit] = await Promise.all([activeCategories(db), actor.unitId ? unitWithBuilding(db, actor.unitId) : null]);
  return { categories, unit };
}

/** The issue the reporter already filed with this form (its submission key), if any. */
export async function issueIdBySubmissionKey(db: DbTx, reporterId: number, submissionKey: string): Promise<number | null> {
  const issue = await db.issue.findUnique({
    where: { reporterId_submissionKey: { reporterId, submissionKey } },
    select: { id: true },
  });
  return issue?.id ?? null;
}

/** Authorises a form on an issue page: the issue must be one the actor may see (else NotFound). */
export async function assertIssueVisible(db: DbTx, actor: Actor, id: number): Promise<void> {
  const issue = await db.issue.findFirst({ where: { AND: [{ id }, visibleIssuesWhere(actor)] }, select: { id: true } });
  if (!issue) throw new NotFound();
}

interface MyIssuesQuery {
  state?: string;
  page: number;
}

/** The resident's own issues, newest first, filtered by state, one page at a time. */
export async function listMyIssues(db: DbTx, actor: Actor, query: MyIssuesQuery) {
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
        attachmentCount: true,
        supportCount: true,
      },
    }),
  ]);
  return { total, items, page: query.page, pages: pages(total) };
}

/** One issue with everything its page shows, or NotFound if the actor may not see it. */
async function getIssueForActor(db: DbTx, actor: Actor, id: number) {
  const issue = await db.issue.findFirst({
    where: { AND: [{ id }, visibleIssuesWhere(actor)] },
    include: {
      category: true,
      estate: { select: { id: true, name: true } },
      building: { select: { id: true, name: true } },
      unit: { select: { id: true, room: true, entrance: true } },
      reporter: { select: { id: true, displayName: true, phone: true, verified: true } },
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
        where: visibleProposals(actor),
        orderBy: { createdAt: 'asc' },
        select: { id: true, title: true, status: true, amountFen: true, closesAt: true, emergency: true },
      },
    },
  });
  if (!issue) throw new NotFound();
  return issue;
}

/** The issue page: the issue, whether the actor already said "me too", and its linked issues either way. */
export async function issuePage(db: DbTx, actor: Actor, id: number) {
  const issue = await getIssueForActor(db, actor, id);
  const [supported, followUps, linkedFrom] = await Promise.all([
    actor.role === 'resident'
      ? db.support.findUnique({
          where: { issueId_userId: { issueId: issue.id, userId: actor.userId } },
          select: { userId: true },
        })
      : null,
    db.issue.findMany({
      where: { AND: [{ linkedFromId: issue.id }, visibleIssuesWhere(actor)] },
      select: { id: true, title: true, state: true },
      orderBy: { id: 'asc' },
    }),
    issue.linkedFromId
      ? db.issue.findFirst({
          where: { AND: [{ id: issue.linkedFromId }, visibleIssuesWhere(actor)] },
          select: { id: true, title: true },
        })
      : null,
  ]);
  return { issue, supported: supported !== null, followUps, linkedFrom };
}

// ───────────────────────────── queues ─────────────────────────────

/** The tabs of a staff queue; each role starts on the first of its own. */
const QUEUE_VIEWS = {
  community: ['triage', 'open', 'overdue', 'resolved', 'all'],
  property: ['assigned', 'open', 'all'],
  committee: ['assigned', 'open', 'all'],
  admin: ['open', 'all'],
} as const;
type QueueView = 'triage' | 'assigned' | 'open' | 'overdue' | 'resolved' | 'all';

function queueViewsFor(role: Actor['role']): readonly QueueView[] {
  return role === 'resident' ? [] : QUEUE_VIEWS[role];
}

interface QueueQuery {
  view?: string;
  state?: string;
  categoryId?: number;
  buildingId?: number;
  party?: string;
  overdue?: boolean;
  emergency?: boolean;
  page: number;
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
  reporter: { select: { verified: true } }, // an unverified resident's issue is marked for staff
  attachmentCount: true,
  supportCount: true,
} satisfies Prisma.IssueSelect;

/**
 * A staff member's queue: the role's tab (community: to triage; property/committee: assigned to their
 * party) narrowed by the filters, emergencies first, then the most "me too", then the oldest. Two
 * queries (count and page); the me-too count is the issue's supportCount column, so within one estate the
 * order is read off the (estateId, emergency, supportCount, createdAt, id) index.
 */
export async function listQueue(db: DbTx, actor: Actor, query: QueueQuery, now: Date) {
  const views = queueViewsFor(actor.role);
  const view: QueueView = (views as readonly string[]).includes(query.view ?? '')
    ? (query.view as QueueView)
    : (views[0] ?? 'all');
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
      orderBy: [{ emergency: 'desc' }, { supportCount: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: QUEUE_SELECT,
    }),
  ]);
  const items = rows.map((i) => ({ ...i, overdue: isOverdueNow(i, now), bouncing: isBouncing(i.handoffCount) }));
  return { view, views, total, items, page: query.page, pages: pages(total) };
}

/** What the queue's filter menus offer: the categories and the buildings of the actor's estates. */
export async function queueFilterOptions(db: DbTx, actor: Actor) {
  const [categories, buildings] = await Promise.all([
    allCategories(db),
    buildingsWithEstateName(db, actor.role === 'admin' ? 'all' : actor.estateIds),
  ]);
  return { categories, buildings };
}

export const PUBLIC_STATES = ['open', 'resolved', 'closed', 'all'] as const;

/**
 * The estate's public (common-area) issues for its residents, with who may "me too": everything but
 * rejected ones, most "me too" first among the open. Reporter names are masked by the view.
 */
export async function listPublicIssues(db: DbTx, actor: Actor, query: { state?: string; page: number }) {
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
      orderBy: [{ emergency: 'desc' }, { supportCount: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: publicSelect(actor.userId),
    }),
  ]);
  const items = rows.map((row) => publicRow(row, actor));
  return { show, total, items, page: query.page, pages: pages(total) };
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
    supportCount: true,
    attachmentCount: true,
  } satisfies Prisma.IssueSelect;
}

function publicRow({ supports, ...i }: Prisma.IssueGetPayload<{ select: ReturnType<typeof publicSelect> }>, actor: Actor) {
  const userId = actor.userId;
  return {
    ...i,
    mine: i.reporterId === userId,
    supported: supports.length > 0,
    // an unverified resident may not add a "me too" until their registration is approved
    canSupport: actor.verified && canSupportState(i.state) && i.reporterId !== userId && supports.length === 0,
  };
}

/** One row of the public list, as it stands after a "me too" (the htmx answer). */
export async function publicIssueRow(db: DbTx, actor: Actor, issueId: number) {
  if (actor.role !== 'resident' || actor.homeEstateId === null) throw new NotFound();
  const row = await db.issue.findFirst({
    where: { id: issueId, estateId: actor.homeEstateId, isPublic: true },
    select: publicSelect(actor.userId),
  });
  if (!row) throw new NotFound();
  return publicRow(row, actor);
}

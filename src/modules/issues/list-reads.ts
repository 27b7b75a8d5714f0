import { expressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Actor } from '../../actor.ts';
import type { DB } from '../../generated/kysely/types.ts';
import { BadRequest, NotFound } from '../../errors.ts';
import { ISSUE_STATES, OPEN_STATES, PARTIES, isBouncing } from '../../domain/issue-workflow.ts';
import { visibleIssues } from '../../domain/issue-visibility.ts';
import { fromSqlTime, sqlBool, sqlTime, type Sql } from '../../plugins/sql.ts';
import { isOverdueNow, nextDeadline } from './overdue.ts';
import { canSupportState } from './page-actions.ts';
import {
  TOTAL_CAP,
  WINDOW,
  countUpTo,
  decodeCursor,
  readKeysetPage,
  type Direction,
  type ListOrder,
  type ListSpec,
} from './list-keyset.ts';
import { dueExpression, type DueColumn } from './list-orders.ts';
import type { QueueFilterOptions } from './list-options.ts';
import { dateAndFlagConditions, estateInScope, type QueueQuery } from './list-filters.ts';
import { searchConditions } from './search-sql.ts';

/**
 * The three issue lists (the resident's own, the staff queue, the estate's public issues), read with
 * Kysely (issue #11), keyset-paged (list-keyset.ts): one statement for the page's rows with their display
 * joins, and one more for its total (counted up to 1000), or, on a list filtered over a window of rows,
 * no total and at most one more statement of keys. With the session load that is three statements a page
 * (tests/integration/issue-lists-plans.test.ts). Which issues each actor may see is the rule of
 * src/domain/issue-visibility.ts; each list narrows it and says how below.
 */

const eb = expressionBuilder<{ i: DB['Issue'] }, 'i'>();
type Condition = Expression<SqlBool>;
const OPEN: readonly string[] = OPEN_STATES;
const isState = (value: string | undefined): value is string =>
  value !== undefined && (Object.values(ISSUE_STATES) as string[]).includes(value);

/**
 * The rows of every list with the names they show; `supporterId` adds whether that resident said "me too";
 * `due` is the deadline column the `due` order reads (list-orders.ts).
 */
function issueRows(sql: Sql, supporterId: number | null, due: DueColumn = 'resolveBy') {
  return sql
    .selectFrom('Issue as i')
    .innerJoin('Category as c', 'c.id', 'i.categoryId')
    .innerJoin('Estate as es', 'es.id', 'i.estateId')
    .innerJoin('User as r', 'r.id', 'i.reporterId')
    .leftJoin('Building as b', 'b.id', 'i.buildingId')
    .select((e) => [
      // aliased: the ORDER BY of a UNION ALL names its result columns
      'i.id as id',
      'i.emergency as emergency',
      'i.supportCount as supportCount',
      'i.createdAt as createdAt',
      dueExpression(due).as('dueAt'),
      'i.title as title',
      'i.state as state',
      'i.respondBy as respondBy',
      'i.resolveBy as resolveBy',
      'i.assignedParty as assignedParty',
      'i.assignedOrg as assignedOrg',
      'i.handoffCount as handoffCount',
      'i.reopenCount as reopenCount',
      'i.chaseCount as chaseCount',
      'i.attachmentCount as attachmentCount',
      'i.reporterId as reporterId',
      'r.displayName as reporterName',
      // an unverified resident's issue is marked for staff
      'r.verified as reporterVerified',
      'es.name as estateName',
      'b.name as buildingName',
      'c.nameZh as categoryZh',
      'c.nameEn as categoryEn',
      // one SEARCH of Support's (issueId, userId) key per row
      (supporterId === null
        ? e.lit(0)
        : e
            .exists(
              e
                .selectFrom('Support as s')
                .select(e.lit(1).as('one'))
                .whereRef('s.issueId', '=', 'i.id')
                .where('s.userId', '=', supporterId),
            )
            .$castTo<number>()
      ).as('supported'),
    ]);
}
type IssueRow = Awaited<ReturnType<ReturnType<typeof issueRows>['execute']>>[number];

function common(row: IssueRow) {
  return {
    id: row.id,
    title: row.title,
    state: row.state,
    emergency: sqlBool(row.emergency),
    createdAt: fromSqlTime(row.createdAt),
    category: { nameZh: row.categoryZh, nameEn: row.categoryEn },
    attachmentCount: row.attachmentCount,
    supportCount: row.supportCount,
  };
}

/** Which end of the list a page starts from: `after` / `before` a cursor (a 400 if both or malformed). */
function pagePosition(query: { after?: string; before?: string }, order: ListOrder) {
  if (query.after && query.before) throw new BadRequest();
  const text = query.after || query.before;
  const direction: Direction = query.before ? 'before' : 'after';
  return { cursor: text ? decodeCursor(text, order) : null, direction };
}

async function readList<R>(
  sql: Sql,
  spec: ListSpec,
  base: (due: DueColumn) => ReturnType<typeof issueRows>,
  query: Cursors,
  map: (row: IssueRow) => R,
) {
  const [page, total] = await Promise.all([
    readKeysetPage(sql, base, spec, pagePosition(query, spec.order)),
    countUpTo(sql, spec),
  ]);
  const { rows, ...links } = page;
  return {
    ...links,
    order: spec.order,
    items: rows.map(map),
    total,
    hasTotal: total !== null,
    totalCap: TOTAL_CAP,
    windowSize: WINDOW,
  };
}

interface Cursors {
  after?: string;
  before?: string;
}

// ───────────────────────────── the resident's own ─────────────────────────────

/**
 * The resident's own issues, newest first, by state. Of what they may see (their estate's, when they have
 * one), those they reported: the (reporterId, state, createdAt) index, or all their states when unfiltered
 * (a person's issues, sorted: a few dozen rows).
 */
export function listMyIssues(sql: Sql, actor: Actor, query: { state?: string } & Cursors) {
  const rule = visibleIssues(actor);
  const spec: ListSpec = {
    scope: { column: 'reporterId', values: [actor.userId] },
    states: isState(query.state) ? [query.state] : null,
    order: 'history',
    where: 'estateId' in rule && typeof rule.estateId === 'number' ? [eb('i.estateId', '=', rule.estateId)] : [],
    window: null,
  };
  return readList(
    sql,
    spec,
    (due) => issueRows(sql, null, due),
    query,
    (row) => ({
      ...common(row),
      resolveBy: fromSqlTime(row.resolveBy),
    }),
  );
}

// ───────────────────────────── queues ─────────────────────────────

/** The tabs of a staff queue; each role starts on the first of its own. */
const QUEUE_VIEWS = {
  community: ['triage', 'open', 'overdue', 'resolved', 'all'],
  property: ['assigned', 'open', 'all'],
  committee: ['assigned', 'open', 'all'],
  // newest first: an administrator's "open" sorts the whole city's open issues (no index orders them)
  admin: ['all', 'open'],
} as const;
type QueueView = 'triage' | 'assigned' | 'open' | 'overdue' | 'resolved' | 'all';

export type { QueueQuery } from './list-filters.ts';

/** Still waiting on someone past its deadline (src/modules/issues/overdue.ts's rule, in SQL). */
function overdueSql(now: Date): Condition {
  const at = sqlTime(now);
  return eb.or([
    eb.and([eb('i.state', '=', ISSUE_STATES.submitted), eb('i.respondBy', '<', at)]),
    eb.and([eb('i.state', 'in', [...OPEN]), eb('i.resolveBy', '<', at)]),
  ]);
}

/**
 * Whose issues a staff member's queue reads: the domain rule's estates, as index ranges. Community staff
 * see every estate of their community (actorFromUser gives them exactly those), and Issue.communityId is
 * its estate's community (kept by triggers), so their scope is one (communityId, …) range, not one range
 * per estate merged. An administrator sees everything (no scope).
 */
function staffScope(actor: Actor): ListSpec['scope'] {
  const rule = visibleIssues(actor);
  if (!('estateId' in rule)) {
    if ('reporterId' in rule) throw new NotFound();
    return null;
  }
  if (typeof rule.estateId === 'number') throw new NotFound(); // a resident: no queue
  if (actor.role === 'community') return { column: 'communityId', values: actor.communityId === null ? [] : [actor.communityId] };
  return { column: 'estateId', values: rule.estateId.in };
}

/**
 * A staff member's queue: the role's tab narrowed by the filters, in the order asked for (`sort`) or the
 * tab's own: the open tabs (to triage, assigned, open, overdue) in the open order, "resolved" and "all"
 * newest first. The state and "emergencies only" filters narrow the index ranges; an estate or a building
 * reads only that estate's ranges; category, building, party, overdue, flags and short search words are
 * tested on a bounded window of the tab's rows (list-keyset.ts); filing dates bound the ranges when the
 * list is read by filing date. A search with longer words reads its matches (search-sql.ts).
 */
export async function listQueue(sql: Sql, actor: Actor, query: QueueQuery, options: QueueFilterOptions, now: Date) {
  const views: readonly QueueView[] = actor.role === 'resident' ? [] : QUEUE_VIEWS[actor.role];
  if (views.length === 0) throw new NotFound();
  const view: QueueView = (views as readonly string[]).includes(query.view ?? '') ? (query.view as QueueView) : views[0]!;
  let scope = staffScope(actor);
  const order: ListOrder = query.sort ?? (view === 'resolved' || view === 'all' ? 'history' : 'open');
  let states: readonly string[] | null =
    view === 'triage' ? [ISSUE_STATES.submitted] : view === 'resolved' ? [ISSUE_STATES.resolved] : view === 'all' ? null : OPEN;
  const where: Condition[] = [];
  const window: Condition[] = [];
  if (view === 'assigned') where.push(eb('i.assignedParty', '=', actor.role));
  if (view === 'overdue' || query.overdue) window.push(overdueSql(now));
  if (isState(query.state)) states = states === null || states.includes(query.state) ? [query.state] : [];
  // the open and supports orders read emergencies as a range of their indexes; the others test it
  if (query.emergency && order !== 'open' && order !== 'supports') window.push(eb('i.emergency', '=', 1));
  if (query.categoryId) window.push(eb('i.categoryId', '=', query.categoryId));
  if (query.party && (PARTIES as readonly string[]).includes(query.party)) window.push(eb('i.assignedParty', '=', query.party));
  if (query.buildingId) {
    window.push(eb('i.buildingId', '=', query.buildingId));
    // one of the actor's buildings (the menu's): only its estate's ranges are read; any other: none
    const building = options.buildings.find((b) => b.id === query.buildingId);
    scope = { column: 'estateId', values: building ? [building.estateId] : [] };
  }
  if (query.estateId) {
    const estateId = estateInScope(actor, query.estateId);
    // with a building too, both must agree (a building of another estate: nothing)
    scope = { column: 'estateId', values: scope?.column === 'estateId' && !scope.values.includes(estateId) ? [] : [estateId] };
  }
  const dated = dateAndFlagConditions(query, order);
  where.push(...dated.where);
  window.push(...dated.window);
  const search = await searchConditions(sql, query.q, WINDOW, scope);
  if (search) {
    where.push(...search.where);
    window.push(...search.window);
  }
  const driven = search?.driven ?? undefined;
  const spec: ListSpec = {
    scope,
    states,
    order,
    // a search's matches are read alone: every filter is then a test on them
    where: driven ? [...where, ...window] : where,
    emergencyOnly: query.emergency === true,
    window: !driven && window.length > 0 ? eb.and(window) : null,
    ...(driven ? { driven } : {}),
  };
  const result = await readList(
    sql,
    spec,
    (due) => issueRows(sql, null, due),
    query,
    (row) => {
      const item = {
        ...common(row),
        respondBy: fromSqlTime(row.respondBy),
        resolveBy: fromSqlTime(row.resolveBy),
        assignedParty: row.assignedParty,
        assignedOrg: row.assignedOrg,
        handoffCount: row.handoffCount,
        reopenCount: row.reopenCount,
        chaseCount: row.chaseCount,
        estate: { name: row.estateName },
        building: row.buildingName === null ? null : { name: row.buildingName },
        reporter: { verified: sqlBool(row.reporterVerified) },
      };
      return {
        ...item,
        overdue: isOverdueNow(item, now),
        deadline: nextDeadline(item, now),
        bouncing: isBouncing(item.handoffCount),
      };
    },
  );
  return { ...result, view, views, sort: query.sort ?? '' };
}

// ───────────────────────────── the estate's public issues ─────────────────────────────

export const PUBLIC_STATES = ['open', 'resolved', 'closed', 'all'] as const;

function publicRow(row: IssueRow, actor: Actor) {
  const userId = actor.userId;
  const supported = sqlBool(row.supported);
  return {
    ...common(row),
    reporterId: row.reporterId,
    reporter: { displayName: row.reporterName },
    building: row.buildingName === null ? null : { name: row.buildingName },
    mine: row.reporterId === userId,
    supported,
    // an unverified resident may not add a "me too" until their registration is approved
    canSupport: actor.verified && canSupportState(row.state) && row.reporterId !== userId && !supported,
  };
}

/**
 * The estate's public (common-area) issues for its residents, everything but rejected ones: of what the
 * resident may see, the public issues of their estate. "Open" in the open order, the rest newest first.
 * Reporter names are masked by the view.
 */
export function listPublicIssues(sql: Sql, actor: Actor, query: { state?: string } & Cursors) {
  if (actor.role !== 'resident' || actor.homeEstateId === null) throw new NotFound();
  const show = (PUBLIC_STATES as readonly string[]).includes(query.state ?? '') ? (query.state as string) : 'open';
  const where: Condition[] = [eb('i.isPublic', '=', 1)];
  if (show === 'all') where.push(eb('i.state', '!=', ISSUE_STATES.rejected));
  const spec: ListSpec = {
    scope: { column: 'estateId', values: [actor.homeEstateId] },
    states: show === 'open' ? OPEN : show === 'all' ? null : [show],
    order: show === 'open' ? 'open' : 'history',
    where,
    window: null,
  };
  return readList(
    sql,
    spec,
    (due) => issueRows(sql, actor.userId, due),
    query,
    (row) => publicRow(row, actor),
  ).then((r) => ({
    ...r,
    show,
  }));
}

/** One row of the public list, as it stands after a "me too" (the htmx answer). */
export async function publicIssueRow(sql: Sql, actor: Actor, issueId: number) {
  if (actor.role !== 'resident' || actor.homeEstateId === null) throw new NotFound();
  const row = await issueRows(sql, actor.userId)
    .where('i.id', '=', issueId)
    .where('i.estateId', '=', actor.homeEstateId)
    .where('i.isPublic', '=', 1)
    .executeTakeFirst();
  if (!row) throw new NotFound();
  return publicRow(row, actor);
}

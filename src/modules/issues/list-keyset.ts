import { expressionBuilder, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { DB } from '../../generated/kysely/types.ts';
import { rawSql, type Sql } from '../../plugins/sql.ts';
import { BadRequest } from '../../errors.ts';
import { ISSUE_STATES } from '../../domain/issue-workflow.ts';
import {
  compareKeys,
  dueColumnOf,
  dueExpression,
  encodeCursor,
  orderTerms,
  rangesBeyond,
  type Cursor,
  type DueColumn,
  type ListOrder,
  type SortKey,
  type Stamp,
} from './list-orders.ts';

export { decodeCursor, type ListOrder } from './list-orders.ts';

/**
 * Keyset paging for the issue lists (issue #11): a page is read from where the last one ended, never by
 * an offset that grows with the data. Each order (list-orders.ts) is an index's own order within a
 * (scope, state) range, so a page is a walk along index ranges that stops after a page.
 *
 * A list reads several index ranges at once (the estates a property company serves, the five open
 * states, the ranges that lie after a cursor), each an "arm" of one UNION ALL whose ORDER BY merges them:
 * SQLite reads each arm lazily in index order and merges, so no arm is sorted and none is read past the
 * page. The conditions are portable SQL (row values compare in PostgreSQL too).
 */

export type Direction = 'after' | 'before';

export const PAGE_SIZE = 20;
/** Rows a filtered page examines at most (see `window` below): a bound on the work of one request. */
export const WINDOW = 1000;
/** Above this many arms the ranges are merged into fewer, wider ones (SQLite allows 500 per statement). */
const MAX_ARMS = 60;

const eb = expressionBuilder<{ i: DB['Issue'] }, 'i'>();
type Condition = Expression<SqlBool>;

export interface ListSpec {
  /** The leading index column and its values, one range each; null reads the whole city (the admin). */
  scope: { column: 'communityId' | 'estateId' | 'reporterId'; values: readonly number[] } | null;
  /** States read as one range each (the index's second column), or null when the state is no range. */
  states: readonly string[] | null;
  order: ListOrder;
  /** Conditions every row meets (tested on each row an arm reads; cheap ones: most rows pass). */
  where: Condition[];
  /** Emergencies only, in the open and supports orders: one more column of the index's range, none past it. */
  emergencyOnly?: boolean;
  /**
   * A filter that may match few rows (category, building, party, overdue, a search): tested on at most
   * WINDOW rows of the list's order per request, so a filter matching nothing costs one window, not a
   * walk of the whole history. A page with fewer matches then offers to look further.
   */
  window: Condition | null;
  /**
   * The rows a search found, when they are few (at most WINDOW, search-sql.ts): the page is then read from
   * them (one lookup by id each) and sorted, instead of walking the ranges; the ranges' conditions only
   * filter them. Exact paging over the whole history, no window.
   */
  driven?: Condition;
}

/** Whether the list can have no rows at all, so no statement is needed. */
export const isEmptySpec = (spec: ListSpec) => spec.scope?.values.length === 0 || spec.states?.length === 0;

/** One arm of the union: its condition, and the deadline column it orders by (the `due` order). */
export interface Arm {
  condition: Condition;
  due: DueColumn;
}

const ALL_STATES: readonly string[] = Object.values(ISSUE_STATES);
const usesEmergencyRange = (spec: ListSpec) =>
  (spec.order === 'open' || spec.order === 'supports') && spec.emergencyOnly === true;

/** One condition per arm: scope value × state × range, merged into wider arms if there would be too many. */
export function armConditions(spec: ListSpec, cursor: Cursor | null, direction: Direction): Arm[] {
  const column = spec.scope?.column;
  let scopes: (Condition | null)[] = spec.scope ? spec.scope.values.map((v) => eb(`i.${column!}`, '=', v)) : [null];
  // the `due` order reads each state's own deadline column, and the `supports` order the open indexes
  // (…, state, emergency, supportCount, …): their states are always ranges
  const stateList = spec.order === 'due' || spec.order === 'supports' ? (spec.states ?? ALL_STATES) : spec.states;
  let states: { condition: Condition | null; due: DueColumn }[] = stateList
    ? stateList.map((s) => ({ condition: eb('i.state', '=', s), due: dueColumnOf(s) }))
    : [{ condition: null, due: 'resolveBy' }];
  const emergencyOnly = usesEmergencyRange(spec);
  // a cursor of a list of emergencies in the open order is an emergency's (its ranges then keep emergency = 1)
  if (emergencyOnly && spec.order === 'open' && cursor && cursor.key.emergency !== 1) throw new BadRequest();
  const rangesFor = (due: DueColumn) => rangesBeyond(cursor, direction, emergencyOnly, spec.order, due);
  let mergeRanges = false;
  const rangeCount = rangesFor('resolveBy').length;
  const count = () => scopes.length * states.length * (mergeRanges ? 1 : rangeCount);
  if (count() > MAX_ARMS && rangeCount > 1) mergeRanges = true;
  if (count() > MAX_ARMS && spec.scope) scopes = [eb(`i.${column!}`, 'in', [...spec.scope.values])];
  if (count() > MAX_ARMS && stateList) {
    // (in the `due` order, one arm per deadline column: the states of each read together, then sorted)
    const groups = new Map<DueColumn, string[]>();
    for (const s of stateList) {
      const due: DueColumn = spec.order === 'due' ? dueColumnOf(s) : 'resolveBy';
      groups.set(due, [...(groups.get(due) ?? []), s]);
    }
    states = [...groups].map(([due, list]) => ({ condition: eb('i.state', 'in', list), due }));
  }
  const arms: Arm[] = [];
  for (const scope of scopes)
    for (const state of states) {
      const all = rangesFor(state.due);
      const ranges = mergeRanges ? [eb.or(all.filter((r): r is Condition => r !== null))] : all;
      for (const range of ranges) {
        // (said once: SQLite plans `emergency = 1 and emergency = 1` worse than the term alone)
        const pinned = emergencyOnly && spec.order === 'open' && range === null ? eb('i.emergency', '=', 1) : null;
        const parts = [scope, state.condition, pinned, range, ...spec.where].filter((c): c is Condition => c !== null);
        arms.push({ condition: eb.and(parts), due: state.due });
      }
    }
  return arms;
}

/** The columns every list selects under these names: the orders' keys. */
interface KeyRow {
  id: number;
  emergency: number;
  supportCount: number;
  createdAt: Stamp;
  dueAt: Stamp;
}

export interface KeysetPage<R> {
  rows: R[];
  /** Cursors for the next page and the previous one (null where there is none). */
  after: string | null;
  before: string | null;
  /** The page is the start of the list (no cursor, or read back to the start). */
  atStart: boolean;
  /** The page examined a full window and found fewer than a page of matches: more may lie further on. */
  partial: boolean;
}

const keyOf = (order: ListOrder, row: KeyRow): string => {
  const key: SortKey = {
    emergency: row.emergency,
    supportCount: row.supportCount,
    createdAt: row.createdAt,
    dueAt: row.dueAt,
    id: row.id,
  };
  return encodeCursor({ order, key });
};

/** A list's rows for one arm: its joins and columns (the keys aliased as the orders' names, `dueAt` from `due`). */
export type ArmBase<DBX, TB extends keyof DBX, R> = (due: DueColumn) => SelectQueryBuilder<DBX, TB, R>;

/** The arms as one UNION ALL in the list's order (read direction). */
function merged<DBX, TB extends keyof DBX, O>(
  arm: (arm: Arm) => SelectQueryBuilder<DBX, TB, O>,
  spec: ListSpec,
  position: { cursor: Cursor | null; direction: Direction },
) {
  const arms = armConditions(spec, position.cursor, position.direction).map(arm);
  let query = arms.reduce((union, next) => union.unionAll(next));
  for (const [column, dir] of orderTerms(spec.order, position.direction)) query = query.orderBy(rawSql.ref(column), dir);
  return query;
}

/**
 * A search's few matches, read as one statement: every arm's condition at once, kept from the planner
 * (inside a CASE) so that it reads the matches by id and sorts at most WINDOW of them, rather than walking
 * a range of the whole community and testing each row against the matches.
 */
function drivenPage<DBX, TB extends keyof DBX, R>(
  base: ArmBase<DBX, TB, R>,
  spec: ListSpec & { driven: Condition },
  position: { cursor: Cursor | null; direction: Direction },
) {
  const any = eb.or(armConditions(spec, position.cursor, position.direction).map((a) => a.condition));
  let query = base('either')
    .where(spec.driven as never)
    .where(rawSql<SqlBool>`(case when ${any} then 1 else 0 end) = 1` as never);
  for (const [column, dir] of orderTerms(spec.order, position.direction)) query = query.orderBy(rawSql.ref(column), dir);
  return query.limit(PAGE_SIZE + 1);
}

/** A list's keys from Issue alone, aliased as the orders' column names (`dueAt` from the arm's deadline column). */
function keysOf(sql: Sql, due: DueColumn) {
  return sql
    .selectFrom('Issue as i')
    .select([
      'i.id as id',
      'i.emergency as emergency',
      'i.supportCount as supportCount',
      'i.createdAt as createdAt',
      dueExpression(due).as('dueAt'),
    ]);
}

/**
 * The list's rows (its joins and columns) for the window's hits, by id. Each keeps the deadline its arm
 * read it by (`dueAt`), which sorts it and which the cursor carries.
 */
async function rowsOfHits<DBX, TB extends keyof DBX, R extends KeyRow>(base: ArmBase<DBX, TB, R>, hits: KeyRow[]): Promise<R[]> {
  const dueOf = new Map(hits.map((h) => [h.id, h.dueAt]));
  const rows = (await base('either')
    .where(rawSql<SqlBool>`${rawSql.ref('i.id')} in (${rawSql.join(hits.map((h) => h.id))})` as never)
    .execute()) as R[];
  return rows.map((row) => ({ ...row, dueAt: dueOf.get(row.id) ?? row.dueAt }));
}

/**
 * Reads one page: the arms of `base` (the list's joins and columns, aliased as the order's column names)
 * merged in order, a page plus one row (to know whether there is more). `before` reads backward from the
 * cursor (the previous page) and shows the rows in the list's order.
 *
 * A windowed list (`spec.window`) reads the keys of the first WINDOW rows of the merge and keeps those that
 * match, up to a page plus one (the database stops as soon as it has them, or at the end of the window),
 * then the page's rows by id. Only when the window held too few does one more statement (the keys alone,
 * from the indexes) find where the window ended, so the next page goes on from there. A list driven by a search's matches reads them alone.
 */
export async function readKeysetPage<DBX, TB extends keyof DBX, R extends KeyRow>(
  sql: Sql,
  base: ArmBase<DBX, TB, R>,
  spec: ListSpec,
  position: { cursor: Cursor | null; direction: Direction },
): Promise<KeysetPage<R>> {
  const { cursor, direction } = position;
  if (isEmptySpec(spec)) return { rows: [], after: null, before: null, atStart: true, partial: false };
  let rows: R[];
  let windowEnd: KeyRow | undefined;
  if (spec.driven) {
    const driven = spec.driven;
    rows = (await drivenPage(base, { ...spec, driven }, position).execute()) as R[];
  } else if (!spec.window) {
    // rows come in the statement's own ORDER BY
    rows = (await merged((a) => base(a.due).where(a.condition as never), spec, position)
      .limit(PAGE_SIZE + 1)
      .execute()) as R[];
  } else {
    const hit = spec.window;
    // The window is read from Issue alone (its keys and whether the row is a hit), and the list's joins and
    // columns only for the page's hits afterwards: PostgreSQL would otherwise join every row of the window
    // (a hash join over all users and buildings, 15 ms at 100k issues) before keeping the page's 21.
    const examined = merged(
      (a) =>
        keysOf(sql, a.due)
          .where(a.condition)
          .select(rawSql<number>`case when ${hit} then 1 else 0 end`.as('hit')),
      spec,
      position,
    )
      .limit(WINDOW)
      .as('w');
    const hits = (await sql
      .selectFrom(examined)
      .selectAll()
      .where(rawSql.ref('w.hit'), '=', 1)
      .limit(PAGE_SIZE + 1)
      .execute()) as unknown as KeyRow[];
    rows = hits.length === 0 ? [] : await rowsOfHits(base, hits);
    // (a filter over a subquery promises no order of its own)
    rows.sort(compareKeys(spec.order, direction));
    if (rows.length <= PAGE_SIZE)
      windowEnd = await merged((a) => keysOf(sql, a.due).where(a.condition), spec, position)
        .limit(1)
        .offset(WINDOW - 1)
        .executeTakeFirst();
  }
  const page = rows.slice(0, PAGE_SIZE);
  const more = rows.length > PAGE_SIZE || windowEnd !== undefined;
  // Onward: after the last row shown, or after the whole window when it held too few.
  const far = rows.length > PAGE_SIZE ? page[page.length - 1] : windowEnd;
  const onward = more && far ? keyOf(spec.order, far) : null;
  // Back the other way: before the first row shown (or the window's end, when it showed none).
  const near = page[0] ?? windowEnd;
  const back = cursor && near ? keyOf(spec.order, near) : null;
  const partial = windowEnd !== undefined && page.length < PAGE_SIZE;
  if (direction === 'after') return { rows: page, after: onward, before: back, atStart: cursor === null, partial };
  return { rows: page.reverse(), after: back, before: onward, atStart: !more, partial };
}

/** Totals shown on a page count at most this many rows ("1000+" beyond). */
export const TOTAL_CAP = 1000;

/**
 * How many rows the list has, counting no further than TOTAL_CAP + 1: the index ranges of the arms (no
 * cursor), as one statement. A windowed list has no total (counting its matches would walk the history),
 * nor has a search's (its page is the one read of its matches).
 */
export async function countUpTo(sql: Sql, spec: ListSpec): Promise<number | null> {
  if (spec.window || spec.driven) return null;
  if (isEmptySpec(spec)) return 0;
  const conditions: Condition[] = [...spec.where];
  if (spec.scope) conditions.push(eb(`i.${spec.scope.column}`, 'in', [...spec.scope.values]));
  if (spec.states) conditions.push(eb('i.state', 'in', [...spec.states]));
  if (usesEmergencyRange(spec)) conditions.push(eb('i.emergency', '=', 1));
  const row = await sql
    .selectFrom((from) =>
      from
        .selectFrom('Issue as i')
        .select((e) => e.lit(1).as('one'))
        .where(eb.and(conditions))
        .limit(TOTAL_CAP + 1)
        .as('x'),
    )
    .select((e) => e.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

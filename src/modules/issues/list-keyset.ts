import { expressionBuilder, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { DB } from '../../generated/kysely/types.ts';
import { rawSql, type Sql } from '../../plugins/sql.ts';
import { BadRequest } from '../../errors.ts';

/**
 * Keyset paging for the issue lists (issue #11): a page is read from where the last one ended, never by
 * an offset that grows with the data. Two orders, each one an index's own order, so a page is a walk
 * along index ranges that stops after a page:
 *
 * - `open` (queues, the public "open" list): emergencies first, then the most "me too", then the oldest
 *   (emergency DESC, supportCount DESC, createdAt, id): the (…, state, emergency DESC, supportCount DESC,
 *   createdAt, id) indexes.
 * - `history` (everything that includes finished issues): newest first (createdAt DESC, id DESC): the
 *   (…, createdAt, id) and (…, state, createdAt, id) indexes (an index ends with the rowid, which is id).
 *
 * A list reads several index ranges at once (the estates a property company serves, the five open
 * states, the three ranges that lie after a cursor in the `open` order), each an "arm" of one UNION ALL
 * whose ORDER BY merges them: SQLite reads each arm lazily in index order and merges, so no arm is sorted
 * and none is read past the page. The conditions are portable SQL (row values compare in PostgreSQL too).
 */

export type ListOrder = 'open' | 'history';
export type Direction = 'after' | 'before';

/** createdAt as stored: ISO text (Prisma's format); epoch milliseconds in rows written by raw inserts. */
type Stamp = string | number;

/** The sort key of a row: what a cursor holds. */
export interface SortKey {
  emergency: number;
  supportCount: number;
  createdAt: Stamp;
  id: number;
}

export interface Cursor {
  order: ListOrder;
  key: SortKey;
}

export const PAGE_SIZE = 20;
/** Rows a filtered page examines at most (see `window` below): a bound on the work of one request. */
export const WINDOW = 1000;
/** Above this many arms the ranges are merged into fewer, wider ones (SQLite allows 500 per statement). */
const MAX_ARMS = 60;

const MAX_INT = 2147483647;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isStamp = (v: unknown): v is Stamp => (typeof v === 'string' && ISO.test(v)) || isInt(v, -8.64e15, 8.64e15);

/** The opaque text of a cursor (base64url of a small JSON array). */
export function encodeCursor({ order, key }: Cursor): string {
  const parts = order === 'open' ? ['o', key.emergency, key.supportCount, key.createdAt, key.id] : ['h', key.createdAt, key.id];
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** A cursor from the query string, for a list in `order`; anything else (forged, of another tab) is a 400. */
export function decodeCursor(text: string, order: ListOrder): Cursor {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequest();
  }
  if (Array.isArray(parts)) {
    if (order === 'open' && parts.length === 5 && parts[0] === 'o') {
      const [, emergency, supportCount, createdAt, id] = parts;
      if (isInt(emergency, 0, 1) && isInt(supportCount, 0, MAX_INT) && isStamp(createdAt) && isInt(id, 1, MAX_INT))
        return { order, key: { emergency, supportCount, createdAt, id } };
    }
    if (order === 'history' && parts.length === 3 && parts[0] === 'h') {
      const [, createdAt, id] = parts;
      if (isStamp(createdAt) && isInt(id, 1, MAX_INT)) return { order, key: { emergency: 0, supportCount: 0, createdAt, id } };
    }
  }
  throw new BadRequest();
}

const eb = expressionBuilder<{ i: DB['Issue'] }, 'i'>();
type Condition = Expression<SqlBool>;

/**
 * The ranges that lie after (or before) the cursor in the order, each one index range: in the `open`
 * order, the rest of the cursor's (emergency, supportCount) group, then the groups with fewer "me too",
 * then (after an emergency) the non-emergencies. One condition with OR would be a filter on a walk from
 * the start of the range, which is an offset in disguise.
 */
function rangesBeyond(cursor: Cursor | null, direction: Direction, emergencyOnly: boolean): (Condition | null)[] {
  if (!cursor) return [null];
  const { emergency, supportCount, createdAt, id } = cursor.key;
  const forward = direction === 'after';
  // (createdAt, id) ascends in the open order and descends in the history order. A stamp is bound as
  // stored (text, or a number in rows written by raw inserts: SQLite orders numbers before text).
  const later = forward === (cursor.order === 'open') ? '>' : '<';
  const tuple = eb(eb.refTuple('i.createdAt', 'i.id'), later, eb.tuple(createdAt as string, id));
  if (cursor.order === 'history') return [tuple];
  const sameEmergency = eb('i.emergency', '=', emergency);
  const ranges: Condition[] = [eb.and([sameEmergency, eb('i.supportCount', '=', supportCount), tuple])];
  if (!forward || supportCount > 0) ranges.push(eb.and([sameEmergency, eb('i.supportCount', forward ? '<' : '>', supportCount)]));
  if (!emergencyOnly && (forward ? emergency > 0 : emergency < 1)) ranges.push(eb('i.emergency', forward ? '<' : '>', emergency));
  return ranges;
}

export interface ListSpec {
  /** The leading index column and its values, one range each; null reads the whole city (the admin). */
  scope: { column: 'communityId' | 'estateId' | 'reporterId'; values: readonly number[] } | null;
  /** States read as one range each (the index's second column), or null when the state is no range. */
  states: readonly string[] | null;
  order: ListOrder;
  /** Conditions every row meets (tested on each row an arm reads; cheap ones: most rows pass). */
  where: Condition[];
  /** Emergencies only, in the open order: one more column of the index's range, none past it. */
  emergencyOnly?: boolean;
  /**
   * A filter that may match few rows (category, building, party, overdue, a search): tested on at most
   * WINDOW rows of the list's order per request, so a filter matching nothing costs one window, not a
   * walk of the whole history. A page with fewer matches then offers to look further.
   */
  window: Condition | null;
}

/** Whether the list can have no rows at all, so no statement is needed. */
export const isEmptySpec = (spec: ListSpec) => spec.scope?.values.length === 0 || spec.states?.length === 0;

/** One condition per arm: scope value × state × range, merged into wider arms if there would be too many. */
export function armConditions(spec: ListSpec, cursor: Cursor | null, direction: Direction): Condition[] {
  let scopes: (Condition | null)[] = spec.scope ? spec.scope.values.map((v) => eb(`i.${spec.scope!.column}`, '=', v)) : [null];
  let states: (Condition | null)[] = spec.states ? spec.states.map((s) => eb('i.state', '=', s)) : [null];
  const emergencyOnly = spec.order === 'open' && spec.emergencyOnly === true;
  // a cursor of a list of emergencies is an emergency's (its ranges then keep emergency = 1)
  if (emergencyOnly && cursor && cursor.key.emergency !== 1) throw new BadRequest();
  let ranges = rangesBeyond(cursor, direction, emergencyOnly);
  const count = () => scopes.length * states.length * ranges.length;
  if (count() > MAX_ARMS && ranges.length > 1) ranges = [eb.or(ranges.filter((r): r is Condition => r !== null))];
  if (count() > MAX_ARMS && spec.scope) scopes = [eb(`i.${spec.scope.column}`, 'in', [...spec.scope.values])];
  if (count() > MAX_ARMS && spec.states) states = [eb('i.state', 'in', [...spec.states])];
  const arms: Condition[] = [];
  for (const scope of scopes)
    for (const state of states)
      for (const range of ranges) {
        // (said once: SQLite plans `emergency = 1 and emergency = 1` worse than the term alone)
        const pinned = emergencyOnly && range === null ? eb('i.emergency', '=', 1) : null;
        const parts = [scope, state, pinned, range, ...spec.where].filter((c): c is Condition => c !== null);
        arms.push(eb.and(parts));
      }
  return arms;
}

/** The ORDER BY of the list, read forward or (for "newer"/"previous") backward. */
export function orderTerms(order: ListOrder, direction: Direction): [string, 'asc' | 'desc'][] {
  const terms: [string, 'asc' | 'desc'][] =
    order === 'open'
      ? [
          ['emergency', 'desc'],
          ['supportCount', 'desc'],
          ['createdAt', 'asc'],
          ['id', 'asc'],
        ]
      : [
          ['createdAt', 'desc'],
          ['id', 'desc'],
        ];
  if (direction === 'after') return terms;
  return terms.map(([column, dir]) => [column, dir === 'asc' ? 'desc' : 'asc']);
}

/** The columns every list selects under these names: the order's keys. */
interface KeyRow {
  id: number;
  emergency: number;
  supportCount: number;
  createdAt: Stamp;
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

const keyOf = (order: ListOrder, row: KeyRow): string =>
  encodeCursor({
    order,
    key: { emergency: row.emergency, supportCount: row.supportCount, createdAt: row.createdAt, id: row.id },
  });

/** SQLite's order of stored values (numbers before text, text by its bytes: ISO text is ASCII). */
function compareStamps(a: Stamp, b: Stamp): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The list's order (read direction) in JavaScript, for rows a statement returned in no promised order. */
function compareKeys(order: ListOrder, direction: Direction) {
  const sign = direction === 'after' ? 1 : -1;
  return (a: KeyRow, b: KeyRow) => {
    const inOrder =
      order === 'open'
        ? b.emergency - a.emergency || b.supportCount - a.supportCount || compareStamps(a.createdAt, b.createdAt) || a.id - b.id
        : compareStamps(b.createdAt, a.createdAt) || b.id - a.id;
    return sign * inOrder;
  };
}

/** The arms as one UNION ALL in the list's order (read direction). */
function merged<DBX, TB extends keyof DBX, O>(
  arm: (condition: Condition) => SelectQueryBuilder<DBX, TB, O>,
  spec: ListSpec,
  position: { cursor: Cursor | null; direction: Direction },
) {
  const arms = armConditions(spec, position.cursor, position.direction).map(arm);
  let query = arms.reduce((union, next) => union.unionAll(next));
  for (const [column, dir] of orderTerms(spec.order, position.direction)) query = query.orderBy(rawSql.ref(column), dir);
  return query;
}

/**
 * Reads one page: the arms of `base` (the list's joins and columns, aliased as the order's column names)
 * merged in order, a page plus one row (to know whether there is more). `before` reads backward from the
 * cursor (the previous page) and shows the rows in the list's order.
 *
 * A windowed list (`spec.window`) reads the first WINDOW rows of the merge and keeps those that match, up
 * to a page plus one: SQLite stops as soon as it has them, or at the end of the window. Only when the
 * window held too few does a second statement (the keys alone, from the indexes) find where the window
 * ended, so the next page goes on from there.
 */
export async function readKeysetPage<DBX, TB extends keyof DBX, R extends KeyRow>(
  sql: Sql,
  base: () => SelectQueryBuilder<DBX, TB, R>,
  spec: ListSpec,
  position: { cursor: Cursor | null; direction: Direction },
): Promise<KeysetPage<R>> {
  const { cursor, direction } = position;
  if (isEmptySpec(spec)) return { rows: [], after: null, before: null, atStart: true, partial: false };
  let rows: R[];
  let windowEnd: KeyRow | undefined;
  if (!spec.window) {
    // rows come in the statement's own ORDER BY
    rows = (await merged((c) => base().where(c), spec, position)
      .limit(PAGE_SIZE + 1)
      .execute()) as R[];
  } else {
    const hit = spec.window;
    const examined = merged(
      (c) =>
        base()
          .where(c)
          .select(rawSql<number>`case when ${hit} then 1 else 0 end`.as('hit')),
      spec,
      position,
    )
      .limit(WINDOW)
      .as('w');
    const found = await sql
      .selectFrom(examined)
      .selectAll()
      .where(rawSql.ref('w.hit'), '=', 1)
      .limit(PAGE_SIZE + 1)
      .execute();
    // (a filter over a subquery promises no order of its own)
    rows = (found as unknown as R[]).sort(compareKeys(spec.order, direction));
    if (rows.length <= PAGE_SIZE)
      windowEnd = await merged(
        (c) =>
          sql
            .selectFrom('Issue as i')
            .select(['i.id as id', 'i.emergency as emergency', 'i.supportCount as supportCount', 'i.createdAt as createdAt'])
            .where(c),
        spec,
        position,
      )
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
 * cursor), as one statement. A windowed list has no total (counting its matches would walk the history).
 */
export async function countUpTo(sql: Sql, spec: ListSpec): Promise<number | null> {
  if (spec.window) return null;
  if (isEmptySpec(spec)) return 0;
  const conditions: Condition[] = [...spec.where];
  if (spec.scope) conditions.push(eb(`i.${spec.scope.column}`, 'in', [...spec.scope.values]));
  if (spec.states) conditions.push(eb('i.state', 'in', [...spec.states]));
  if (spec.order === 'open' && spec.emergencyOnly) conditions.push(eb('i.emergency', '=', 1));
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

import { expressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { DB } from '../../generated/kysely/types.ts';
import { rawSql } from '../../plugins/sql.ts';
import { BadRequest } from '../../errors.ts';
import { ISSUE_STATES } from '../../domain/issue-workflow.ts';

/**
 * The orders the issue lists are read in, each one an index's own order within a (scope, state) range, so a
 * page is a walk along index ranges that stops after a page (list-keyset.ts):
 *
 * - `open` (queues, the public "open" list): emergencies first, then the most "me too", then the oldest
 *   (emergency DESC, supportCount DESC, createdAt, id): the (…, state, emergency DESC, supportCount DESC,
 *   createdAt, id) indexes.
 * - `history` (everything that includes finished issues): newest first (createdAt DESC, id DESC): the
 *   (…, createdAt, id) and (…, state, createdAt, id) indexes (an index ends with the rowid, which is id).
 * - `age` (the queue's "oldest first"): the history indexes read forward.
 * - `supports` (the queue's "most me too"): (supportCount DESC, createdAt, id): the open indexes, one range
 *   per value of `emergency`, merged.
 * - `due` (the queue's "deadline soonest"): the deadline an issue works to, the response deadline while it
 *   waits to be accepted, else the resolution one (overdue.ts `nextDeadline`; a finished issue keeps its
 *   last one), then id: the (…, state, respondBy) and (…, state, resolveBy) indexes, one per state.
 */
export type ListOrder = 'open' | 'history' | 'age' | 'supports' | 'due';

/** createdAt as stored: ISO text (Prisma's format); epoch milliseconds in rows written by raw inserts. */
export type Stamp = string | number;

/** The sort key of a row: what a cursor holds (the columns an order does not use are 0). */
export interface SortKey {
  emergency: number;
  supportCount: number;
  createdAt: Stamp;
  dueAt: Stamp;
  id: number;
}

export interface Cursor {
  order: ListOrder;
  key: SortKey;
}

/** Which deadline column a `due` range reads: the state's own, or (a list driven by search matches) either. */
export type DueColumn = 'respondBy' | 'resolveBy' | 'either';
export const dueColumnOf = (state: string): 'respondBy' | 'resolveBy' =>
  state === ISSUE_STATES.submitted ? 'respondBy' : 'resolveBy';

const MAX_INT = 2147483647;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isStamp = (v: unknown): v is Stamp => (typeof v === 'string' && ISO.test(v)) || isInt(v, -8.64e15, 8.64e15);

/** Each order's tag in a cursor and the key columns it holds after the tag. */
const LAYOUT: Record<ListOrder, { tag: string; columns: (keyof SortKey)[] }> = {
  open: { tag: 'o', columns: ['emergency', 'supportCount', 'createdAt', 'id'] },
  history: { tag: 'h', columns: ['createdAt', 'id'] },
  age: { tag: 'a', columns: ['createdAt', 'id'] },
  supports: { tag: 's', columns: ['supportCount', 'createdAt', 'id'] },
  due: { tag: 'd', columns: ['dueAt', 'id'] },
};

const VALID: Record<keyof SortKey, (v: unknown) => boolean> = {
  emergency: (v) => isInt(v, 0, 1),
  supportCount: (v) => isInt(v, 0, MAX_INT),
  createdAt: isStamp,
  dueAt: isStamp,
  id: (v) => isInt(v, 1, MAX_INT),
};

/** The opaque text of a cursor (base64url of a small JSON array). */
export function encodeCursor({ order, key }: Cursor): string {
  const { tag, columns } = LAYOUT[order];
  return Buffer.from(JSON.stringify([tag, ...columns.map((c) => key[c])])).toString('base64url');
}

/**
 * A cursor from the query string, for a list in `order`; anything else (forged, of another tab or of
 * another sort) is a 400: a cursor of one order read in another would skip or repeat rows.
 */
export function decodeCursor(text: string, order: ListOrder): Cursor {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequest();
  }
  const { tag, columns } = LAYOUT[order];
  if (!Array.isArray(parts) || parts.length !== columns.length + 1 || parts[0] !== tag) throw new BadRequest();
  const key: SortKey = { emergency: 0, supportCount: 0, createdAt: 0, dueAt: 0, id: 0 };
  columns.forEach((column, i) => {
    const value: unknown = parts[i + 1];
    if (!VALID[column](value)) throw new BadRequest();
    (key as unknown as Record<string, unknown>)[column] = value;
  });
  return { order, key };
}

/** The ORDER BY of the list, read forward or (for "newer"/"previous") backward. */
export function orderTerms(order: ListOrder, direction: 'after' | 'before'): [keyof SortKey, 'asc' | 'desc'][] {
  const terms: [keyof SortKey, 'asc' | 'desc'][] = {
    open: [
      ['emergency', 'desc'],
      ['supportCount', 'desc'],
      ['createdAt', 'asc'],
      ['id', 'asc'],
    ],
    history: [
      ['createdAt', 'desc'],
      ['id', 'desc'],
    ],
    age: [
      ['createdAt', 'asc'],
      ['id', 'asc'],
    ],
    supports: [
      ['supportCount', 'desc'],
      ['createdAt', 'asc'],
      ['id', 'asc'],
    ],
    due: [
      ['dueAt', 'asc'],
      ['id', 'asc'],
    ],
  }[order] as [keyof SortKey, 'asc' | 'desc'][];
  if (direction === 'after') return terms;
  return terms.map(([column, dir]) => [column, dir === 'asc' ? 'desc' : 'asc']);
}

/** SQLite's order of stored values (numbers before text, text by its bytes: ISO text is ASCII). */
function compareStamps(a: Stamp, b: Stamp): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The list's order (read direction) in JavaScript, for rows a statement returned in no promised order. */
export function compareKeys(order: ListOrder, direction: 'after' | 'before') {
  const terms = orderTerms(order, direction);
  return (a: SortKey, b: SortKey) => {
    for (const [column, dir] of terms) {
      const x = a[column];
      const y = b[column];
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : compareStamps(x, y);
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return 0;
  };
}

const eb = expressionBuilder<{ i: DB['Issue'] }, 'i'>();
type Condition = Expression<SqlBool>;

/** The deadline a `due` range orders by, as SQL. */
export function dueExpression(column: DueColumn) {
  if (column !== 'either') return rawSql<string>`${eb.ref(`i.${column}`)}`;
  return rawSql<string>`case when ${eb.ref('i.state')} = ${ISSUE_STATES.submitted} then ${eb.ref('i.respondBy')} else ${eb.ref('i.resolveBy')} end`;
}

/**
 * The ranges that lie after (or before) the cursor in the order, each one index range: in the `open`
 * order, the rest of the cursor's (emergency, supportCount) group, then the groups with fewer "me too",
 * then (after an emergency) the non-emergencies; in the `supports` order the same per value of emergency.
 * One condition with OR would be a filter on a walk from the start of the range, which is an offset in
 * disguise. `dueColumn` is the deadline of the range's state (the `due` order).
 */
export function rangesBeyond(
  cursor: Cursor | null,
  direction: 'after' | 'before',
  emergencyOnly: boolean,
  order: ListOrder,
  dueColumn: DueColumn,
): (Condition | null)[] {
  const forward = direction === 'after';
  const emergencies = emergencyOnly ? [1] : [1, 0];
  if (!cursor) return order === 'supports' ? emergencies.map((e) => eb('i.emergency', '=', e)) : [null];
  const { emergency, supportCount, createdAt, dueAt, id } = cursor.key;
  if (order === 'due') {
    // two ranges of the (…, state, deadline) index (its rowid is the tie-break), as the open order does
    const due = dueExpression(dueColumn);
    const beyond = forward ? '>' : '<';
    return [eb.and([eb(due, '=', dueAt as string), eb('i.id', beyond, id)]), eb(due, beyond, dueAt as string)];
  }
  // (createdAt, id) ascends in the open, age and supports orders and descends in the history order. A
  // stamp is bound as stored (text, or a number in rows written by raw inserts: SQLite orders numbers first).
  const later = forward === (order !== 'history') ? '>' : '<';
  const tuple = eb(eb.refTuple('i.createdAt', 'i.id'), later, eb.tuple(createdAt as string, id));
  if (order === 'history' || order === 'age') return [tuple];
  const group = (e: number) => {
    const same = eb('i.emergency', '=', e);
    const ranges: Condition[] = [eb.and([same, eb('i.supportCount', '=', supportCount), tuple])];
    if (!forward || supportCount > 0) ranges.push(eb.and([same, eb('i.supportCount', forward ? '<' : '>', supportCount)]));
    return ranges;
  };
  if (order === 'supports') {
    // the cursor's place in each emergency group: the groups are merged by supportCount alone
    return emergencies.flatMap((e) => group(e));
  }
  const ranges = group(emergency);
  // the other group of emergency (0 or 1) as an equality: a range on it lets the planner pick a worse index
  if (!emergencyOnly && (forward ? emergency > 0 : emergency < 1)) ranges.push(eb('i.emergency', '=', forward ? 0 : 1));
  return ranges;
}

import type { Actor } from '../../actor.ts';
import { fromSqlTime, jsonArrayFrom, jsonRows, sqlTime, type Sql } from '../../plugins/sql.ts';

/**
 * The notice board's list (issue #11): one statement, newest first, paged by keyset on (publishedAt, id)
 * rather than by OFFSET, so a page costs the same deep in the board's history as at its top and a notice
 * published meanwhile does not shift what the next page shows. Every estate's part is a walk down its
 * (estateId, publishedAt) index, or (estateId, kind, publishedAt) with a kind chosen, that stops at one
 * page; an actor with several estates reads each estate's page and keeps the newest of them.
 *
 * Issue #12 put pinned notices at the head of an estate's board (newest pin first): a walk down each
 * estate's (estateId, pinnedAt) index, read in the same statement as the page, so the board still costs
 * one statement after the session. Ended and withdrawn notices leave the board; the "ended" view lists
 * them (withdrawn ones for staff only).
 */

export const NOTICE_PAGE_SIZE = 20;
/** Pinned notices shown at the head of a board: a few, or the pin means nothing. */
export const PINNED_MAX = 10;

export interface NoticeCursor {
  at: Date;
  id: number;
}

export type BoardView = 'current' | 'ended';

export interface NoticeBoardQuery {
  /** The estates read: the actor's (or the one chosen among them); null: every estate (an administrator). */
  estateIds: number[] | null;
  kind: string | null;
  /** The current board, or the notices that have left it. */
  view: BoardView;
  /** Whether withdrawn notices are listed (in the ended view): staff keep them on record, residents do not. */
  withdrawnToo: boolean;
  now: Date;
  /** Older than this notice, or newer than it (the pager's two directions); neither: the newest page. */
  before?: NoticeCursor;
  after?: NoticeCursor;
}

const MAX_ID = 2147483647;

/** A pager position from its link ("<ms>.<id>"), or null when it names no possible notice. */
export function readNoticeCursor(value: string | undefined): NoticeCursor | null {
  const m = /^(\d{1,15})\.(\d{1,10})$/.exec(value ?? '');
  if (!m) return null;
  const id = Number(m[2]);
  const at = new Date(Number(m[1]));
  return id >= 1 && id <= MAX_ID && !Number.isNaN(at.getTime()) ? { at, id } : null;
}

export function writeNoticeCursor(cursor: NoticeCursor): string {
  return `${cursor.at.getTime()}.${cursor.id}`;
}

/** The estates whose boards the actor reads, narrowed to the one chosen (outside the scope: none). */
export function boardEstates(actor: Actor, chosen: number | undefined): number[] | null {
  if (actor.role === 'admin') return chosen ? [chosen] : null;
  if (chosen) return actor.estateIds.includes(chosen) ? [chosen] : [];
  return actor.estateIds;
}

interface BoardRow {
  id: number;
  estateId: number;
  kind: string;
  title: string;
  publishedAt: string | number;
  pinnedAt: string | number | null;
  publicUntil: string | number | null;
  endsAt: string | number | null;
  withdrawnAt: string | number | null;
  estateName: string | null;
}

const COLUMNS = [
  'Notice.id',
  'Notice.estateId',
  'Notice.kind',
  'Notice.title',
  'Notice.publishedAt',
  'Notice.pinnedAt',
  'Notice.publicUntil',
  'Notice.endsAt',
  'Notice.withdrawnAt',
] as const;

function boardItem(r: BoardRow) {
  return {
    id: r.id,
    estateId: r.estateId,
    kind: r.kind,
    title: r.title,
    publishedAt: fromSqlTime(r.publishedAt),
    pinnedAt: fromSqlTime(r.pinnedAt),
    publicUntil: fromSqlTime(r.publicUntil),
    endsAt: fromSqlTime(r.endsAt),
    withdrawnAt: fromSqlTime(r.withdrawnAt),
    estate: { name: r.estateName ?? '' },
  };
}
export type BoardItem = ReturnType<typeof boardItem>;

/** One page of the board, the pinned notices heading it (its first page only), and the cursors either side. */
export async function noticeBoard(sql: Sql, query: NoticeBoardQuery) {
  const newer = query.after !== undefined;
  const cursor = query.after ?? query.before;
  const take = NOTICE_PAGE_SIZE + 1;
  const now = sqlTime(query.now);
  // Pinned notices head an estate's board, so they are not repeated in its list; an administrator's
  // board of every estate has no head (one estate's pin says nothing about another's).
  const pinnedHead = query.view === 'current' && query.estateIds !== null;
  // One estate's (or every estate's) notices from the cursor on, in the page's direction, one page and one more.
  const part = (estateId: number | null) => {
    let q = sql.selectFrom('Notice').select(COLUMNS);
    if (estateId !== null) q = q.where('Notice.estateId', '=', estateId);
    if (query.kind) q = q.where('Notice.kind', '=', query.kind);
    if (query.view === 'current') {
      q = q
        .where('Notice.withdrawnAt', 'is', null)
        .where((eb) => eb.or([eb('Notice.endsAt', 'is', null), eb('Notice.endsAt', '>', now)]));
      if (pinnedHead) q = q.where('Notice.pinnedAt', 'is', null);
    } else {
      q = q.where((eb) =>
        eb.or([eb('Notice.endsAt', '<=', now), ...(query.withdrawnToo ? [eb('Notice.withdrawnAt', 'is not', null)] : [])]),
      );
      if (!query.withdrawnToo) q = q.where('Notice.withdrawnAt', 'is', null);
    }
    if (cursor) {
      const at = sqlTime(cursor.at);
      q = newer
        ? q.where((eb) =>
            eb.and([
              eb('Notice.publishedAt', '>=', at),
              eb.or([eb('Notice.publishedAt', '>', at), eb('Notice.id', '>', cursor.id)]),
            ]),
          )
        : q.where((eb) =>
            eb.and([
              eb('Notice.publishedAt', '<=', at),
              eb.or([eb('Notice.publishedAt', '<', at), eb('Notice.id', '<', cursor.id)]),
            ]),
          );
    }
    const direction = newer ? 'asc' : 'desc';
    return q.orderBy('Notice.publishedAt', direction).orderBy('Notice.id', direction).limit(take);
  };
  // One estate's pinned notices still on its board, newest pin first.
  const pinnedPart = (estateId: number) => {
    let q = sql
      .selectFrom('Notice')
      .select(COLUMNS)
      .where('Notice.estateId', '=', estateId)
      .where('Notice.pinnedAt', 'is not', null)
      .where('Notice.withdrawnAt', 'is', null)
      .where((eb) => eb.or([eb('Notice.endsAt', 'is', null), eb('Notice.endsAt', '>', now)]));
    if (query.kind) q = q.where('Notice.kind', '=', query.kind);
    return q.orderBy('Notice.pinnedAt', 'desc').limit(PINNED_MAX);
  };
  const estates = query.estateIds;
  if (estates !== null && estates.length === 0) return { items: [], pinned: [], older: null, newer: null };
  // SQLite allows ORDER BY and LIMIT in a compound's arm only inside a subquery: each estate's page is one.
  const arms = (estates ?? [null]).map((estateId) => sql.selectFrom(part(estateId).as('p')).selectAll());
  const union = arms.slice(1).reduce((all, arm) => all.unionAll(arm), arms[0]!);
  const direction = newer ? 'asc' : 'desc';
  const columns = ['id', 'estateId', 'kind', 'title', 'publishedAt', 'pinnedAt', 'publicUntil', 'endsAt', 'withdrawnAt'] as const;
  const pageRows = sql
    .selectFrom(union.as('n'))
    .select(columns.map((c) => `n.${c}` as const))
    // the estate's name for the page's rows only (a join here would be pushed into every estate's part)
    .select((eb) => eb.selectFrom('Estate as e').select('e.name').whereRef('e.id', '=', 'n.estateId').as('estateName'))
    .orderBy('n.publishedAt', direction)
    .orderBy('n.id', direction)
    .limit(take);
  const showPinned = pinnedHead && !cursor;
  const pinArms = showPinned ? estates!.map((estateId) => sql.selectFrom(pinnedPart(estateId).as('q')).selectAll()) : [];
  const pinUnion = pinArms.length > 0 ? pinArms.slice(1).reduce((all, arm) => all.unionAll(arm), pinArms[0]!) : null;
  const pinRows = pinUnion
    ? sql
        .selectFrom(pinUnion.as('m'))
        .select(columns.map((c) => `m.${c}` as const))
        .select((eb) => eb.selectFrom('Estate as e').select('e.name').whereRef('e.id', '=', 'm.estateId').as('estateName'))
        .orderBy('m.pinnedAt', 'desc')
        .limit(PINNED_MAX)
    : null;
  // The page and the pinned head in one statement (the board is a hot page: one statement after the session).
  const result = await sql
    .selectNoFrom(() => [jsonArrayFrom(pageRows).as('page'), ...(pinRows ? [jsonArrayFrom(pinRows).as('pinned')] : [])])
    .executeTakeFirstOrThrow();
  const byNewest = (a: BoardItem, b: BoardItem) => b.publishedAt.getTime() - a.publishedAt.getTime() || b.id - a.id;
  // json_group_array keeps no promised order: the rows are put in order here
  const rows = jsonRows<BoardRow>(result.page).map(boardItem).sort(byNewest);
  const pinned = jsonRows<BoardRow>((result as { pinned?: unknown }).pinned)
    .map(boardItem)
    .sort((a, b) => (b.pinnedAt?.getTime() ?? 0) - (a.pinnedAt?.getTime() ?? 0) || b.id - a.id);
  const more = rows.length > NOTICE_PAGE_SIZE;
  // going newer, the page is the oldest of those read (nearest the cursor)
  const items = newer ? rows.slice(-NOTICE_PAGE_SIZE) : rows.slice(0, NOTICE_PAGE_SIZE);
  const first = items[0];
  const last = items[items.length - 1];
  const cursorOf = (n: { publishedAt: Date; id: number }) => ({ at: n.publishedAt, id: n.id });
  return {
    items,
    pinned,
    // Going newer, fewer than a page left means this is the newest end (the first page): nothing newer.
    newer: first && (newer ? more : query.before !== undefined) ? cursorOf(first) : null,
    older: last && (newer || more) ? cursorOf(last) : null,
  };
}

import type { Actor } from '../../actor.ts';
import { fromSqlTime, sqlTime, type Sql } from '../../plugins/sql.ts';

/**
 * The notice board's list (issue #11): one statement, newest first, paged by keyset on (publishedAt, id)
 * rather than by OFFSET, so a page costs the same deep in the board's history as at its top and a notice
 * published meanwhile does not shift what the next page shows. Every estate's part is a walk down its
 * (estateId, publishedAt) index, or (estateId, kind, publishedAt) with a kind chosen, that stops at one
 * page; an actor with several estates reads each estate's page and keeps the newest of them.
 */

export const NOTICE_PAGE_SIZE = 20;

export interface NoticeCursor {
  at: Date;
  id: number;
}

export interface NoticeBoardQuery {
  /** The estates read: the actor's (or the one chosen among them); null: every estate (an administrator). */
  estateIds: number[] | null;
  kind: string | null;
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

/** One page of the board and the cursors of the pages either side (null: there is none). */
export async function noticeBoard(sql: Sql, query: NoticeBoardQuery) {
  const newer = query.after !== undefined;
  const cursor = query.after ?? query.before;
  const take = NOTICE_PAGE_SIZE + 1;
  // One estate's (or every estate's) notices from the cursor on, in the page's direction, one page and one more.
  const part = (estateId: number | null) => {
    let q = sql
      .selectFrom('Notice')
      .select(['Notice.id', 'Notice.estateId', 'Notice.kind', 'Notice.title', 'Notice.publishedAt']);
    if (estateId !== null) q = q.where('Notice.estateId', '=', estateId);
    if (query.kind) q = q.where('Notice.kind', '=', query.kind);
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
  const estates = query.estateIds;
  if (estates !== null && estates.length === 0) return { items: [], older: null, newer: null };
  // SQLite allows ORDER BY and LIMIT in a compound's arm only inside a subquery: each estate's page is one.
  const arms = (estates ?? [null]).map((estateId) => sql.selectFrom(part(estateId).as('p')).selectAll());
  const union = arms.slice(1).reduce((all, arm) => all.unionAll(arm), arms[0]!);
  const direction = newer ? 'asc' : 'desc';
  const rows = await sql
    .selectFrom(union.as('n'))
    .select(['n.id', 'n.estateId', 'n.kind', 'n.title', 'n.publishedAt'])
    // the estate's name for the page's rows only (a join here would be pushed into every estate's part)
    .select((eb) => eb.selectFrom('Estate as e').select('e.name').whereRef('e.id', '=', 'n.estateId').as('estateName'))
    .orderBy('n.publishedAt', direction)
    .orderBy('n.id', direction)
    .limit(take)
    .execute();
  const more = rows.length > NOTICE_PAGE_SIZE;
  const page = rows.slice(0, NOTICE_PAGE_SIZE);
  if (newer) page.reverse();
  const items = page.map((r) => ({
    id: r.id,
    estateId: r.estateId,
    kind: r.kind,
    title: r.title,
    publishedAt: fromSqlTime(r.publishedAt),
    estate: { name: r.estateName ?? '' },
  }));
  const first = items[0];
  const last = items[items.length - 1];
  const cursorOf = (n: { publishedAt: Date; id: number }) => ({ at: n.publishedAt, id: n.id });
  return {
    items,
    // Going newer, fewer than a page left means this is the newest end (the first page): nothing newer.
    newer: first && (newer ? more : query.before !== undefined) ? cursorOf(first) : null,
    older: last && (newer || more) ? cursorOf(last) : null,
  };
}

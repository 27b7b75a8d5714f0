import type { Prisma, AuditEntry } from '../../generated/prisma/client.ts';
import type { DbTx } from '../../plugins/db.ts';
import type { Actor } from '../../actor.ts';

/** A search of the log, already checked (see schemas.ts): empty text means "any". */
export interface AuditFilters {
  /** Prefix of the action code: `account` finds account.create, account.role, ... */
  action: string;
  /** Part of the actor's name. */
  actor: string;
  entityType: string;
  entityId: string;
  /** From this moment (inclusive) ... */
  from: Date | null;
  /** ... to this moment (exclusive): the start of the day after the chosen "to" date. */
  until: Date | null;
  /** Free text in the note. */
  q: string;
}

/** A position in the log, newest first: the entries strictly older (or newer) than this one. */
export interface AuditCursor {
  at: Date;
  id: number;
}

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_EXPORT_BATCH = 500;

const NEWEST_FIRST: Prisma.AuditEntryOrderByWithRelationInput[] = [{ at: 'desc' }, { id: 'desc' }];
const OLDEST_FIRST: Prisma.AuditEntryOrderByWithRelationInput[] = [{ at: 'asc' }, { id: 'asc' }];

/**
 * What the actor may read: an administrator everything; community staff the entries of their community
 * and those about its estates. Any other role reads nothing (the routes answer 404 before asking).
 */
export function auditScope(actor: Actor): Prisma.AuditEntryWhereInput {
  if (actor.role === 'admin') return {};
  if (actor.role !== 'community') return { id: { in: [] } };
  const visible: Prisma.AuditEntryWhereInput[] = [];
  if (actor.communityId !== null) visible.push({ communityId: actor.communityId });
  if (actor.estateIds.length > 0) visible.push({ estateId: { in: actor.estateIds } });
  return visible.length > 0 ? { OR: visible } : { id: { in: [] } };
}

function filterWhere(f: AuditFilters): Prisma.AuditEntryWhereInput[] {
  const where: Prisma.AuditEntryWhereInput[] = [];
  if (f.action !== '') where.push({ action: { startsWith: f.action } });
  if (f.actor !== '') where.push({ actorName: { contains: f.actor } });
  if (f.entityType !== '') where.push({ entityType: f.entityType });
  if (f.entityId !== '') where.push({ entityId: f.entityId });
  if (f.from !== null) where.push({ at: { gte: f.from } });
  if (f.until !== null) where.push({ at: { lt: f.until } });
  if (f.q !== '') where.push({ note: { contains: f.q } });
  return where;
}

/** Keyset condition on (at, id): rows strictly older than the cursor, or strictly newer. */
function beyond(cursor: AuditCursor, direction: 'older' | 'newer'): Prisma.AuditEntryWhereInput {
  const op = direction === 'older' ? 'lt' : 'gt';
  return { OR: [{ at: { [op]: cursor.at } }, { at: cursor.at, id: { [op]: cursor.id } }] };
}

function whereFor(actor: Actor, filters: AuditFilters, cursor?: { at: AuditCursor; direction: 'older' | 'newer' }) {
  const parts = [auditScope(actor), ...filterWhere(filters)];
  if (cursor) parts.push(beyond(cursor.at, cursor.direction));
  return { AND: parts };
}

export const cursorOf = (entry: Pick<AuditEntry, 'at' | 'id'>): AuditCursor => ({ at: entry.at, id: entry.id });

export interface AuditPage {
  entries: AuditEntry[];
  /** Where the next (older) page starts, or null on the last page. */
  older: AuditCursor | null;
  /** Where the previous (newer) page ends, or null on the first page. */
  newer: AuditCursor | null;
}

/**
 * One page of the log, newest first, by keyset on (at, id) rather than OFFSET: a page costs the same deep
 * in the history as at its top, and entries written meanwhile do not shift what the next page shows.
 * `before` pages towards older entries, `after` back towards newer ones.
 */
export async function auditPage(
  db: DbTx,
  actor: Actor,
  filters: AuditFilters,
  position: { before?: AuditCursor; after?: AuditCursor } = {},
): Promise<AuditPage> {
  if (position.after) {
    const rows = await db.auditEntry.findMany({
      where: whereFor(actor, filters, { at: position.after, direction: 'newer' }),
      orderBy: OLDEST_FIRST,
      take: AUDIT_PAGE_SIZE + 1,
    });
    // Back at the newest end: show the first page as it is, not a short page ending at the cursor.
    if (rows.length <= AUDIT_PAGE_SIZE) return auditPage(db, actor, filters);
    const entries = rows.slice(0, AUDIT_PAGE_SIZE).reverse();
    const last = entries[entries.length - 1];
    const first = entries[0];
    return { entries, older: last ? cursorOf(last) : null, newer: first ? cursorOf(first) : null };
  }
  const rows = await db.auditEntry.findMany({
    where: whereFor(actor, filters, position.before ? { at: position.before, direction: 'older' } : undefined),
    orderBy: NEWEST_FIRST,
    take: AUDIT_PAGE_SIZE + 1,
  });
  const entries = rows.slice(0, AUDIT_PAGE_SIZE);
  const last = entries[entries.length - 1];
  const first = entries[0];
  return {
    entries,
    older: rows.length > AUDIT_PAGE_SIZE && last ? cursorOf(last) : null,
    newer: position.before && first ? cursorOf(first) : null,
  };
}

/**
 * Every matching entry, newest first, in batches read by keyset: the export streams them without holding
 * the log in memory. Each batch is its own short read, so the export never holds the database; an entry
 * appended meanwhile is newer than the first batch and is simply not in this export.
 */
export async function* auditBatches(
  db: DbTx,
  actor: Actor,
  filters: AuditFilters,
  batchSize = AUDIT_EXPORT_BATCH,
): AsyncGenerator<AuditEntry[]> {
  let cursor: AuditCursor | undefined;
  for (;;) {
    const rows = await db.auditEntry.findMany({
      where: whereFor(actor, filters, cursor ? { at: cursor, direction: 'older' } : undefined),
      orderBy: NEWEST_FIRST,
      take: batchSize,
    });
    if (rows.length === 0) return;
    yield rows;
    const last = rows[rows.length - 1];
    if (rows.length < batchSize || !last) return;
    cursor = cursorOf(last);
  }
}

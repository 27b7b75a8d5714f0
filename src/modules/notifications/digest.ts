import { inTransaction, type Db, type DbTx } from '../../plugins/db.ts';
import { digestCutoff } from '../../domain/notification-rules.ts';

const DIGEST_BATCH = 200;

/**
 * The daily digest (once per Shanghai day, from 08:00): each reader's rows held before the cutoff become
 * one digest notification ("昨日 N 条动态", linking to the inbox filtered to them). The rows are released
 * as read and delivered: the reader's attention goes to the one unread digest, which is what the
 * delivery job hands to outside channels. Rows the reader already read count for nothing.
 *
 * Idempotent: the scheduler's lease runs it once at a time, the digest's dedupe key
 * (`digest:<userId>:<day>`) makes it once per reader and day, and a second run finds nothing held
 * before the cutoff. Rows held before the cutoff but committed after the day's digest (a transaction
 * that straddled it) join that digest.
 */
export async function sendDigests(db: Db, now: Date): Promise<number> {
  const { cutoff, day } = digestCutoff(now);
  // On the (held, userId) index: the readers with rows waiting.
  const waiting = await db.notification.groupBy({
    by: ['userId'],
    where: { held: true, createdAt: { lt: cutoff } },
    orderBy: { userId: 'asc' },
    take: DIGEST_BATCH,
  });
  let sent = 0;
  for (const { userId } of waiting) {
    sent += await inTransaction(db, (tx) => digestFor(tx, userId, cutoff, day, now));
  }
  return sent;
}

async function digestFor(tx: DbTx, userId: number, cutoff: Date, day: string, now: Date): Promise<number> {
  const dedupeKey = `digest:${userId}:${day}`;
  const held = { userId, held: true, createdAt: { lt: cutoff } };
  const fresh = await tx.notification.count({ where: { ...held, readAt: null } });
  const existing = await tx.notification.findUnique({
    where: { userId_dedupeKey: { userId, dedupeKey } },
    select: { id: true, createdAt: true, paramsJson: true },
  });
  // Released rows are read at the digest's own moment: that is how the inbox finds a digest's rows.
  const releasedAt = existing?.createdAt ?? now;
  await tx.notification.updateMany({
    where: { ...held, readAt: null },
    data: { held: false, readAt: releasedAt, deliveredAt: now },
  });
  await tx.notification.updateMany({ where: held, data: { held: false, deliveredAt: now } });
  if (fresh === 0) return 0;
  if (existing) {
    const before = Number(digestParams(existing.paramsJson).n) || 0;
    await tx.notification.update({
      where: { id: existing.id },
      data: { paramsJson: JSON.stringify({ n: before + fresh, day }) },
    });
    return 0;
  }
  const digest = await tx.notification.create({
    data: { userId, kind: 'digest', paramsJson: JSON.stringify({ n: fresh, day }), dedupeKey, createdAt: now },
  });
  await tx.notification.update({ where: { id: digest.id }, data: { link: `/notifications?digest=${digest.id}` } });
  return 1;
}

/** One of the reader's digests (for the inbox filtered to its rows); someone else's is null. */
export async function digestOf(
  db: DbTx,
  userId: number,
  id: number,
): Promise<{ id: number; createdAt: Date; day: string } | null> {
  const row = await db.notification.findFirst({
    where: { id, userId, kind: 'digest' },
    select: { id: true, createdAt: true, paramsJson: true },
  });
  if (!row) return null;
  const { day } = digestParams(row.paramsJson);
  return { id: row.id, createdAt: row.createdAt, day: typeof day === 'string' ? day : '' };
}

function digestParams(json: string): { n?: unknown; day?: unknown } {
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === 'object' ? (parsed as { n?: unknown; day?: unknown }) : {};
  } catch {
    return {};
  }
}

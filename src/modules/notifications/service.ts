import type { DbTx } from '../../plugins/db.ts';
import { safeLocalPath } from '../../lib/safe-redirect.ts';
import { activeCommunityStaff, activeEstateStaff } from '../auth/index.ts';
import { communityOfEstate } from '../places/index.ts';
import type { NewNotification } from './notify.ts';

/**
 * Where notifications go besides the in-app inbox. In-app rows are written inside the caller's
 * transaction (the inbox and the outbox are the same rows); `deliverPending`, run by the scheduler,
 * hands committed, undelivered rows to every channel. A rolled-back change never had rows, so it sends
 * nothing; a crash between commit and delivery loses nothing.
 */
export interface DeliveryChannel {
  name: string;
  deliver(notifications: NewNotification[]): Promise<void>;
}

/** The in-app inbox: its rows are written by `notify` inside the transaction, so there is nothing left to send. */
export const inAppChannel: DeliveryChannel = {
  name: 'in-app',
  async deliver() {},
};

/** An example outside channel: writes one log line per notification (where an SMS or email gateway would go). */
export function logChannel(log: { info(obj: object, msg: string): void }): DeliveryChannel {
  return {
    name: 'log',
    async deliver(notifications) {
      for (const n of notifications) log.info({ userId: n.userId, kind: n.kind, link: n.link ?? '' }, 'notification delivered');
    },
  };
}

const DELIVERY_BATCH = 500;

/**
 * Hands undelivered notifications to the channels, oldest first, and stamps them delivered. Rows held
 * for a digest wait: the digest job releases them as delivered and writes the one digest that goes out. A channel
 * that fails is logged and does not hold back the others (an SMS gateway retries on its own terms).
 * One runner at a time: the scheduler never overlaps its runs.
 */
export async function deliverPending(
  db: DbTx,
  channels: readonly DeliveryChannel[],
  now: Date,
  log?: { error(obj: object, msg: string): void },
): Promise<number> {
  const rows = await db.notification.findMany({
    // `held <> true` keeps the planner on the (deliveredAt, id) index
    where: { deliveredAt: null, held: { not: true } },
    orderBy: { id: 'asc' },
    take: DELIVERY_BATCH,
  });
  if (rows.length === 0) return 0;
  const notifications: NewNotification[] = rows.map((r) => ({
    userId: r.userId,
    kind: r.kind,
    params: parseParams(r.paramsJson),
    link: r.link,
    issueId: r.issueId ?? undefined,
    meetingId: r.meetingId ?? undefined,
    proposalId: r.proposalId ?? undefined,
    dedupeKey: r.dedupeKey ?? undefined,
  }));
  await deliverToChannels(channels, notifications, log);
  await db.notification.updateMany({
    where: { id: { in: rows.map((r) => r.id) }, deliveredAt: null },
    data: { deliveredAt: now },
  });
  return rows.length;
}

function parseParams(json: string): Record<string, string | number> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' ? (value as Record<string, string | number>) : {};
  } catch {
    return {};
  }
}

/** A channel failing must not undo or block what has been committed: it is logged and the rest go on. */
async function deliverToChannels(
  channels: readonly DeliveryChannel[],
  notifications: NewNotification[],
  log?: { error(obj: object, msg: string): void },
): Promise<void> {
  if (notifications.length === 0) return;
  for (const channel of channels) {
    try {
      await channel.deliver(notifications);
    } catch (err) {
      log?.error({ err, channel: channel.name }, 'notification channel failed');
    }
  }
}

/** Staff users of a party for an estate: who is told when an issue is assigned or handed to that party. */
export async function partyRecipients(tx: DbTx, estateId: number, party: string): Promise<number[]> {
  if (party === 'property' || party === 'committee') return activeEstateStaff(tx, estateId, party);
  // community and outside units are handled by the community's staff
  const communityId = await communityOfEstate(tx, estateId);
  return communityId === null ? [] : activeCommunityStaff(tx, communityId);
}

const NOTIFICATIONS_PAGE_SIZE = 20;

/** Where a notification leads: its own link, else the issue, meeting or vote it is about. */
export function notificationHref(n: {
  link: string;
  issueId: number | null;
  meetingId: number | null;
  proposalId: number | null;
}): string {
  const own = safeLocalPath(n.link, '');
  if (own !== '') return own;
  if (n.issueId !== null) return `/issues/${n.issueId}`;
  if (n.meetingId !== null) return `/meetings/${n.meetingId}`;
  if (n.proposalId !== null) return `/votes/${n.proposalId}`;
  return '/notifications';
}

/**
 * The reader's notifications, newest first, one page at a time: all, unread only, or the rows one of
 * their digests gathered (released with the digest's moment as their read time, so on the
 * (userId, readAt, createdAt) index).
 */
export async function listNotifications(
  db: DbTx,
  userId: number,
  query: { page: number; unreadOnly: boolean; digest?: { id: number; createdAt: Date } },
) {
  const where = query.digest
    ? { userId, readAt: query.digest.createdAt, id: { not: query.digest.id } }
    : { userId, ...(query.unreadOnly ? { readAt: null, held: { not: true } } : {}) };
  const [total, unread, rows] = await Promise.all([
    db.notification.count({ where }),
    db.notification.count({ where: { userId, readAt: null, held: { not: true } } }),
    db.notification.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: (query.page - 1) * NOTIFICATIONS_PAGE_SIZE,
      take: NOTIFICATIONS_PAGE_SIZE,
    }),
  ]);
  const items = rows.map((n) => {
    let params: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(n.paramsJson);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) params = parsed as Record<string, unknown>;
    } catch {
      params = {};
    }
    return { id: n.id, kind: n.kind, params, href: notificationHref(n), readAt: n.readAt, held: n.held, createdAt: n.createdAt };
  });
  return { total, unread, items, page: query.page, pages: Math.max(1, Math.ceil(total / NOTIFICATIONS_PAGE_SIZE)) };
}

/** Marks one of the reader's notifications read; someone else's is not found (null). Reading twice is harmless. */
export async function markRead(tx: DbTx, userId: number, id: number, now: Date): Promise<string | null> {
  const n = await tx.notification.findFirst({
    where: { id, userId },
    select: { id: true, readAt: true, link: true, issueId: true, meetingId: true, proposalId: true },
  });
  if (!n) return null;
  if (n.readAt === null) await tx.notification.updateMany({ where: { id, userId, readAt: null }, data: { readAt: now } });
  return notificationHref(n);
}

export async function markAllRead(tx: DbTx, userId: number, now: Date): Promise<number> {
  // Held rows too: what the reader has seen needs no digest.
  const result = await tx.notification.updateMany({ where: { userId, readAt: null }, data: { readAt: now } });
  return result.count;
}

/**
 * The reader's unread count, shown in every page's header (the views plugin is handed this). It skips
 * Prisma's query compiler (about 1.6 ms a call here, measured with the former tests/bench/profile.ts): plain SQL
 * with quoted identifiers (portable to PostgreSQL) on the (userId, readAt) index. Rows held for the
 * reader's digest are not unread yet.
 */
export async function unreadCount(db: DbTx, userId: number): Promise<number> {
  const rows = await db.$queryRaw<
    { n: number | bigint }[]
  >`SELECT COUNT(*) AS n FROM "Notification" WHERE "userId" = ${userId} AND "readAt" IS NULL AND NOT "held"`;
  return Number(rows[0]?.n ?? 0);
}

import type { DbTx } from '../../plugins/db.ts';

export interface NewNotification {
  userId: number;
  /** A catalogue key under notifications.kind.*, rendered in the reader's language. */
  kind: string;
  params?: Record<string, string | number>;
  link?: string;
  issueId?: number;
  meetingId?: number;
  proposalId?: number;
  /** Send once per user and key (reminders); a second call with the same key is ignored. */
  dedupeKey?: string;
}

/**
 * Where notifications go besides the in-app inbox. In-app rows are always written inside the caller's
 * transaction; a channel (email, SMS) is told after commit and must not throw.
 */
export interface DeliveryChannel {
  name: string;
  deliver(notifications: NewNotification[]): Promise<void>;
}

/** Writes in-app notifications in the caller's transaction. Duplicate reminder keys are skipped. */
export async function notify(tx: DbTx, notifications: NewNotification[]): Promise<number> {
  if (notifications.length === 0) return 0;
  const seen = new Set<string>();
  let written = 0;
  for (const n of notifications) {
    const once = `${n.userId}:${n.kind}:${n.issueId ?? ''}:${n.meetingId ?? ''}:${n.proposalId ?? ''}:${n.dedupeKey ?? ''}`;
    if (seen.has(once)) continue;
    seen.add(once);
    const data = {
      userId: n.userId,
      kind: n.kind,
      paramsJson: JSON.stringify(n.params ?? {}),
      link: n.link ?? '',
      issueId: n.issueId ?? null,
      meetingId: n.meetingId ?? null,
      proposalId: n.proposalId ?? null,
      dedupeKey: n.dedupeKey ?? null,
    };
    if (n.dedupeKey) {
      const existing = await tx.notification.findUnique({ where: { userId_dedupeKey: { userId: n.userId, dedupeKey: n.dedupeKey } } });
      if (existing) continue;
    }
    await tx.notification.create({ data });
    written += 1;
  }
  return written;
}

/** Staff users of a party for an estate: who is told when an issue is assigned or handed to that party. */
export async function partyRecipients(tx: DbTx, estateId: number, party: string): Promise<number[]> {
  if (party === 'property' || party === 'committee') {
    const rows = await tx.userEstate.findMany({
      where: { estateId, user: { role: party, active: true } },
      select: { userId: true },
    });
    return rows.map((r) => r.userId);
  }
  // community and outside units are handled by the community's staff
  const estate = await tx.estate.findUnique({ where: { id: estateId }, select: { communityId: true } });
  if (!estate) return [];
  const rows = await tx.user.findMany({
    where: { role: 'community', communityId: estate.communityId, active: true },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

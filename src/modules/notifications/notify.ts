import type { DbTx } from '../../plugins/db.ts';
import {
  COALESCE_WINDOW_MS,
  ISSUE_READER_KINDS,
  deliveryMode,
  mayCoalesce,
  topicOfKind,
  type NotificationTopic,
} from '../../domain/notification-rules.ts';
import { chosenModes } from './preferences.ts';

export interface NewNotification {
  userId: number;
  /** A catalogue key under notifications.kind.*, rendered in the reader's language. */
  kind: string;
  /** The reader's preference topic; by default the kind's (`topicOfKind`). */
  topic?: NotificationTopic;
  params?: Record<string, string | number>;
  link?: string;
  issueId?: number;
  meetingId?: number;
  proposalId?: number;
  /** Send once per user and key (reminders); a second call with the same key is ignored. */
  dedupeKey?: string;
}

/**
 * Writes in-app notifications in the caller's transaction, as each reader wants them: a topic set to
 * off writes nothing, digest writes the row held for the next daily digest (not counted unread, not
 * delivered), instant as it comes; mandatory kinds are always instant (domain/notification-rules.ts).
 * Duplicate reminder keys are skipped, and a notice about an issue's state replaces the reader's unread
 * one about the same issue from the last few minutes instead of adding another.
 *
 * `now` is the moment of the change (the app's clock); without it, the wall clock.
 */
export async function notify(tx: DbTx, notifications: NewNotification[], options: { now?: Date } = {}): Promise<number> {
  if (notifications.length === 0) return 0;
  const now = options.now ?? new Date();
  const modes = await chosenModes(tx, [...new Set(notifications.map((n) => n.userId))]);
  const seen = new Set<string>();
  let written = 0;
  for (const n of notifications) {
    const once = `${n.userId}:${n.kind}:${n.issueId ?? ''}:${n.meetingId ?? ''}:${n.proposalId ?? ''}:${n.dedupeKey ?? ''}`;
    if (seen.has(once)) continue;
    seen.add(once);
    const topic = n.topic ?? topicOfKind(n.kind);
    const mode = deliveryMode(n.kind, topic, modes.get(n.userId)?.get(topic));
    if (mode === 'off') continue;
    const held = mode === 'digest';
    const content = { kind: n.kind, paramsJson: JSON.stringify(n.params ?? {}), link: n.link ?? '' };
    if (n.dedupeKey) {
      const existing = await tx.notification.findUnique({
        where: { userId_dedupeKey: { userId: n.userId, dedupeKey: n.dedupeKey } },
        select: { id: true },
      });
      if (existing) continue;
    }
    if (n.issueId !== undefined && ISSUE_READER_KINDS.includes(n.kind)) {
      // On the (userId, readAt, createdAt) index: the reader's unread rows of the last few minutes.
      const recent = await tx.notification.findFirst({
        where: {
          userId: n.userId,
          readAt: null,
          createdAt: { gte: new Date(now.getTime() - COALESCE_WINDOW_MS) },
          issueId: n.issueId,
          kind: { in: [...ISSUE_READER_KINDS] },
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        select: { id: true, kind: true, readAt: true, held: true, createdAt: true },
      });
      if (recent && mayCoalesce(recent, { kind: n.kind, held }, now)) {
        // The latest state, moved to the top of the inbox, and handed to outside channels afresh.
        await tx.notification.update({ where: { id: recent.id }, data: { ...content, createdAt: now, deliveredAt: null } });
        written += 1;
        continue;
      }
    }
    await tx.notification.create({
      data: {
        userId: n.userId,
        ...content,
        issueId: n.issueId ?? null,
        meetingId: n.meetingId ?? null,
        proposalId: n.proposalId ?? null,
        dedupeKey: n.dedupeKey ?? null,
        held,
        createdAt: now,
      },
    });
    written += 1;
  }
  return written;
}

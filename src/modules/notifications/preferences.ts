import type { DbTx } from '../../plugins/db.ts';
import type { Role } from '../../domain/roles.ts';
import {
  MANDATORY_TOPICS,
  TOPICS_BY_ROLE,
  isDeliveryMode,
  isTopic,
  type DeliveryMode,
  type NotificationTopic,
} from '../../domain/notification-rules.ts';

/** Each reader's chosen mode per topic; a topic without a row has its default (instant). */
export async function chosenModes(tx: DbTx, userIds: number[]): Promise<Map<number, Map<NotificationTopic, DeliveryMode>>> {
  const modes = new Map<number, Map<NotificationTopic, DeliveryMode>>();
  if (userIds.length === 0) return modes;
  const rows = await tx.notificationPreference.findMany({
    where: { userId: { in: userIds } },
    select: { userId: true, topic: true, mode: true },
  });
  for (const row of rows) {
    // A row for a topic or mode since retired counts as no choice.
    if (!isTopic(row.topic) || !isDeliveryMode(row.mode)) continue;
    let mine = modes.get(row.userId);
    if (!mine) modes.set(row.userId, (mine = new Map()));
    mine.set(row.topic, row.mode);
  }
  return modes;
}

export interface TopicPreference {
  topic: NotificationTopic;
  mode: DeliveryMode;
  /** Always instant: not offered as a choice. */
  mandatory: boolean;
}

/** The preferences page's rows: the topics the reader's role is offered, with their current mode. */
export async function preferencesOf(tx: DbTx, userId: number, role: Role): Promise<TopicPreference[]> {
  const mine = (await chosenModes(tx, [userId])).get(userId);
  return TOPICS_BY_ROLE[role].map((topic) => {
    const mandatory = MANDATORY_TOPICS.includes(topic);
    return { topic, mandatory, mode: mandatory ? 'instant' : (mine?.get(topic) ?? 'instant') };
  });
}

/** The topics a reader may set (their role's, less the mandatory ones). */
export function settableTopics(role: Role): NotificationTopic[] {
  return TOPICS_BY_ROLE[role].filter((topic) => !MANDATORY_TOPICS.includes(topic));
}

/**
 * Saves the reader's modes for the topics they may set, in one transaction. Saving the same form twice
 * leaves the same rows.
 */
export async function savePreferences(
  tx: DbTx,
  userId: number,
  choices: ReadonlyArray<{ topic: NotificationTopic; mode: DeliveryMode }>,
  now: Date,
): Promise<void> {
  for (const { topic, mode } of choices) {
    await tx.notificationPreference.upsert({
      where: { userId_topic: { userId, topic } },
      create: { userId, topic, mode, updatedAt: now },
      update: { mode, updatedAt: now },
    });
  }
}

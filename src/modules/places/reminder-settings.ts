import type { DbTx } from '../../plugins/db.ts';
import { AGENDA_OVERDUE_DAYS_BOUNDS, DEFAULT_AGENDA_OVERDUE_DAYS, intSetting } from '../../domain/reminders.ts';
import { settingValue } from './queries.ts';

/**
 * The settings the issue reminders run on. Two are the estate's own (its service agreement and rules of
 * procedure, edited on the estate's settings page): how long before a deadline the party is warned, and
 * after how many hand-offs an issue is bouncing. How long overdue an issue may stay before it goes to the
 * joint meeting is the community-wide practice, one Setting row (`AGENDA_OVERDUE_DAYS_KEY`, default 3 days).
 */

export const AGENDA_OVERDUE_DAYS_KEY = 'reminders.agendaOverdueDays';

export interface EstateReminderSettings {
  deadlineWarningHours: number;
  bouncingThreshold: number;
}

/**
 * The reminder settings of these estates (every estate when none are named), by estate id: one read of
 * a table of a few thousand rows at most, so a job does not ask estate by estate.
 */
export async function estateReminderSettings(db: DbTx, estateIds?: number[]): Promise<Map<number, EstateReminderSettings>> {
  const rows = await db.estate.findMany({
    where: estateIds === undefined ? {} : { id: { in: estateIds } },
    select: { id: true, deadlineWarningHours: true, bouncingThreshold: true },
  });
  return new Map(
    rows.map((r) => [r.id, { deadlineWarningHours: r.deadlineWarningHours, bouncingThreshold: r.bouncingThreshold }]),
  );
}

/** Days past its deadline after which an open issue is proposed for the next joint meeting. */
export async function agendaOverdueDays(db: DbTx): Promise<number> {
  return intSetting(await settingValue(db, AGENDA_OVERDUE_DAYS_KEY), DEFAULT_AGENDA_OVERDUE_DAYS, AGENDA_OVERDUE_DAYS_BOUNDS);
}

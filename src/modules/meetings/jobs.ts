import type { FastifyInstance } from 'fastify';
import type { ScheduledJob } from '../../scheduler.ts';
import { inTransaction, type Db } from '../../plugins/db.ts';
import { formatShanghai } from '../../domain/deadlines.ts';
import { notify } from '../notifications/index.ts';
import { autoAgendaJob } from './auto-agenda.ts';

const DAY_MS = 86_400_000;

/**
 * Reminds every participant of a meeting starting within the next 24 hours, once: the meeting is claimed
 * by setting reminderSentAt, and each notification carries a dedupe key for this start time. One
 * transaction per meeting, so one meeting's failure does not hold back the others' reminders.
 */
async function sendMeetingReminders(db: Db, now: Date): Promise<number> {
  const due = await db.meeting.findMany({
    where: { status: 'scheduled', reminderSentAt: null, startsAt: { gt: now, lte: new Date(now.getTime() + DAY_MS) } },
    select: { id: true },
  });
  let sent = 0;
  for (const { id } of due) {
    sent += await inTransaction(db, async (tx) => {
      const claimed = await tx.meeting.updateMany({
        where: { id, reminderSentAt: null, status: 'scheduled' },
        data: { reminderSentAt: now },
      });
      if (claimed.count !== 1) return 0;
      const meeting = await tx.meeting.findUniqueOrThrow({
        where: { id },
        select: { title: true, place: true, startsAt: true, participants: { select: { userId: true } } },
      });
      return notify(
        tx,
        meeting.participants.map((p) => ({
          userId: p.userId,
          kind: 'meeting_reminder',
          params: { title: meeting.title, startsAt: formatShanghai(meeting.startsAt, 'zh-CN'), place: meeting.place },
          link: `/meetings/${id}`,
          meetingId: id,
          dedupeKey: `meeting-reminder:${id}:${meeting.startsAt.toISOString()}`,
        })),
      );
    });
  }
  return sent;
}

const meetingReminderJob: ScheduledJob = {
  name: 'meeting-reminders',
  run: (app: FastifyInstance, now: Date) => sendMeetingReminders(app.db, now),
};

/** The meetings module's scheduled jobs; the app wires them into the scheduler. */
export const jobs: ScheduledJob[] = [meetingReminderJob, autoAgendaJob];

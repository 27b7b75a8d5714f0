import type { FastifyInstance } from 'fastify';
import { deliverNotificationsJob } from './modules/notifications/jobs.ts';
import { purgeExpiredSessions } from './plugins/session.ts';
import { autoCloseJob, overdueJob } from './modules/issues/jobs.ts';
import { meetingReminderJob } from './modules/meetings/jobs.ts';
import { closeDueVotesJob, voteClosingReminderJob } from './modules/votes/jobs.ts';

/**
 * A job the server runs on an interval. Each takes the app and "now" so tests can run it directly with
 * an injected clock instead of waiting.
 */
export interface ScheduledJob {
  name: string;
  run(app: FastifyInstance, now: Date): Promise<unknown>;
}

export const JOBS: ScheduledJob[] = [
  { name: 'purge-expired-sessions', run: (app, now) => purgeExpiredSessions(app.db, now, app.config.sessionIdleMinutes) },
  autoCloseJob,
  overdueJob,
  meetingReminderJob,
  closeDueVotesJob,
  voteClosingReminderJob,
  // last: it delivers what the jobs above (and every request since the last run) wrote
  deliverNotificationsJob,
];

/** Runs every job once, in order; one failing job is logged and does not stop the others. */
export async function runJobsOnce(app: FastifyInstance, now: Date): Promise<void> {
  for (const job of JOBS) {
    try {
      await job.run(app, now);
    } catch (err) {
      app.log.error({ err, job: job.name }, 'scheduled job failed');
    }
  }
}

export function startScheduler(app: FastifyInstance): () => void {
  let running = false;
  const tick = async () => {
    if (running) return; // a slow run is never overlapped by the next
    running = true;
    try {
      await runJobsOnce(app, app.now());
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), app.config.schedulerIntervalSeconds * 1000);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}

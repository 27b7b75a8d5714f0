import type { FastifyInstance } from 'fastify';

/**
 * A job the server runs on an interval. Each takes the app and "now" so tests can run it directly with
 * an injected clock instead of waiting. Modules declare their jobs (`jobs` in their index.ts); the app
 * collects them into `app.jobs`, so this file imports no module.
 */
export interface ScheduledJob {
  name: string;
  run(app: FastifyInstance, now: Date): Promise<unknown>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every module's scheduled jobs, in the order they run (buildApp wires them). */
    jobs: readonly ScheduledJob[];
  }
}

/** Runs every job once, in order; one failing job is logged and does not stop the others. */
export async function runJobsOnce(app: FastifyInstance, now: Date): Promise<void> {
  for (const job of app.jobs) {
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

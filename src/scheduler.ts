import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { inTransaction, type DbTx } from './plugins/db.ts';

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

/**
 * How long a lease holds. A process that dies holding one blocks that job for at most this long; a job
 * run must finish well inside it (every job works in batches of a few hundred rows).
 */
export const LEASE_MS = 5 * 60_000;

/** A released lease: `lockedUntil` in the past for any clock, so the next claim finds it free. */
const RELEASED = new Date(0);

/**
 * Who holds leases from this process: the host, the process id and a random part (pids repeat across
 * restarts and containers), so two processes, here or on two machines, never share a name.
 */
export const PROCESS_HOLDER = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

export interface RunOptions {
  /** The lease holder's name; this process's by default. */
  holder?: string;
  /**
   * Skip a job that ran, in any process, less than this long before `now`: the scheduler passes most of
   * its interval, so n processes ticking at their own moments still run each job once per interval.
   * With 0 (the default) a job runs whenever its lease is free and its last run was for an earlier
   * instant: two processes running the jobs for the same `now` run each once.
   */
  minIntervalMs?: number;
}

export interface RunReport {
  /** Jobs this call ran (a failing one is logged and counted here too). */
  ran: string[];
  /** Jobs another process held, or had run within `minIntervalMs`. */
  skipped: string[];
}

interface Lease {
  name: string;
  holder: string;
  lockedUntil: Date;
}

/**
 * Claims a job's lease if it is free (never taken, released, or expired because its holder died) and the
 * job's last run was for an earlier instant (with `minIntervalMs`, long enough ago). The row is read
 * first and written only if it still reads the same (compare-and-set), in one transaction: two processes
 * claiming at once both read it free, one writes first, and the other's write fails as busy, runs again
 * through `inTransaction`, and finds it taken.
 */
async function claimLease(db: FastifyInstance['db'], name: string, holder: string, now: Date, minIntervalMs: number) {
  const lockedUntil = new Date(now.getTime() + LEASE_MS);
  const claim = async (tx: DbTx): Promise<Lease | null> => {
    const row = await tx.jobLease.findUnique({ where: { name } });
    if (!row) {
      await tx.jobLease.create({ data: { name, holder, lockedUntil } });
      return { name, holder, lockedUntil };
    }
    if (row.lockedUntil > now) return null;
    // Run already, by some process, for this instant (or within the interval): nothing new to do.
    if (row.lastRunAt && now.getTime() - row.lastRunAt.getTime() < Math.max(minIntervalMs, 1)) return null;
    const { count } = await tx.jobLease.updateMany({
      where: { name, holder: row.holder, lockedUntil: row.lockedUntil },
      data: { holder, lockedUntil },
    });
    return count === 1 ? { name, holder, lockedUntil } : null;
  };
  try {
    return await inTransaction(db, claim);
  } catch (error) {
    // Two processes creating the first row at once: the other one has it.
    if ((error as { code?: string }).code === 'P2002') return null;
    throw error;
  }
}

/**
 * Releases the lease and records the run. Only the lease as claimed is released: if this run outlived it
 * and another process took it over, theirs stands (and this is logged).
 */
async function releaseLease(db: FastifyInstance['db'], lease: Lease, ranAt: Date): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    // Read first, so that meeting another writer fails at once and is retried, rather than waiting
    // inside SQLite with this process's event loop stopped.
    const row = await tx.jobLease.findUnique({ where: { name: lease.name }, select: { holder: true } });
    if (row?.holder !== lease.holder) return false;
    const { count } = await tx.jobLease.updateMany({
      where: { name: lease.name, holder: lease.holder, lockedUntil: lease.lockedUntil },
      data: { lockedUntil: RELEASED, lastRunAt: ranAt },
    });
    return count === 1;
  });
}

/**
 * Runs every job once, in order, each under its lease (JobLease, one row per job), so that when several
 * server processes or machines run the scheduler each job runs in one of them at a time, and once for a
 * given `now`. One failing job is logged and does not stop the others. Tests call this with an injected
 * clock, moving forward: a job is not run again for an instant at or before its last run.
 */
export async function runJobsOnce(app: FastifyInstance, now: Date, options: RunOptions = {}): Promise<RunReport> {
  const holder = options.holder ?? PROCESS_HOLDER;
  const report: RunReport = { ran: [], skipped: [] };
  for (const job of app.jobs) {
    let lease: Lease | null;
    try {
      lease = await claimLease(app.db, job.name, holder, now, options.minIntervalMs ?? 0);
    } catch (err) {
      app.log.error({ err, job: job.name }, 'could not claim the lease of a scheduled job');
      continue;
    }
    if (!lease) {
      report.skipped.push(job.name);
      continue;
    }
    try {
      await job.run(app, now);
    } catch (err) {
      app.log.error({ err, job: job.name }, 'scheduled job failed');
    }
    report.ran.push(job.name);
    try {
      if (!(await releaseLease(app.db, lease, now))) {
        app.log.warn({ job: job.name, holder }, 'a scheduled job outlived its lease; another process took it over');
      }
    } catch (err) {
      // The lease then expires by itself after LEASE_MS.
      app.log.error({ err, job: job.name }, 'could not release the lease of a scheduled job');
    }
  }
  return report;
}

/**
 * Runs the jobs every `schedulerIntervalSeconds`, now and then on the interval. Every server process may
 * run it: the leases make each job run in one process at a time, and a job another process ran within
 * the last 90% of an interval is skipped, so the jobs run about once per interval whatever the number
 * of processes (the slack absorbs timer drift and clocks a little apart between machines).
 */
export function startScheduler(app: FastifyInstance): () => Promise<void> {
  const intervalMs = app.config.schedulerIntervalSeconds * 1000;
  let current: Promise<void> | null = null;
  const tick = () => {
    if (current) return; // a slow run is never overlapped by the next
    current = runJobsOnce(app, app.now(), { minIntervalMs: Math.floor(intervalMs * 0.9) })
      .then((report) => app.log.debug(report, 'scheduled jobs'))
      .catch((err: unknown) => app.log.error({ err }, 'scheduled jobs failed'))
      .finally(() => {
        current = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  // Stopping waits for a run in progress, so the database is not closed under it.
  return async () => {
    clearInterval(timer);
    await current;
  };
}

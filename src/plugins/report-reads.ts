import fp from 'fastify-plugin';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { openSql, type Sql } from './sql.ts';

/**
 * Reads that may lag a few seconds behind the last write: the dashboards and the CSV exports of the queue
 * and the metrics (README, "Read replicas"). On PostgreSQL with DATABASE_READ_URL they go to that replica,
 * which takes the heaviest reads (a city's dashboard, a year's export) off the primary. Everything a user
 * has just changed and must see at once stays on the primary's read path (`app.sql`): the session a login
 * has just written (a replica a second behind would not know it, and the user would be sent back to the
 * login page), the issue page after an action, the queue, and the audit export (a record for a dispute
 * must include the last second).
 *
 * Before using the replica, and again every few seconds, it is asked how far behind it is: the primary's
 * write position against the replica's replayed position, and when they differ, the time since the last
 * transaction it replayed. Beyond DATABASE_READ_MAX_LAG_SECONDS, or when it does not answer, these reads go
 * to the primary until it is back within bounds; each change is logged once. Without a replica (and always
 * on SQLite, where every process reads the file itself) they are the primary's read path.
 */
export interface ReportReads {
  /** The connection a report should read through now (the replica when it is healthy and current). */
  pick(): Promise<Sql>;
  /** Runs a report's reads; if the replica fails mid-way (gone, or a conflict with its recovery), once more on the primary. */
  read<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  /** What the last check found, for logs and tests. */
  status(): ReportStatus;
}

export interface ReportStatus {
  replica: boolean;
  source: ReportSource;
  /** Seconds behind the primary at the last check (0: caught up); null when unknown or no replica. */
  lagSeconds: number | null;
  reason: ReportReason;
}

export type ReportSource = 'replica' | 'primary';
export type ReportReason = 'no-replica' | 'current' | 'lagging' | 'unreachable';

/** What a check of the replica found. */
export interface ReplicaProbe {
  reachable: boolean;
  /** Whether it is a standby replaying a primary's log (a database that is not is taken as current). */
  standby: boolean;
  /** Bytes of the primary's log it has not replayed yet (0 or less: caught up). */
  bytesBehind: number;
  /** Seconds since the last transaction it replayed; null if it has replayed none since it started. */
  replayedSecondsAgo: number | null;
}

/**
 * Where report reads go after a check. A standby with nothing left to replay is current however long ago
 * its last transaction was (the primary may simply be idle). One with log still to replay is as far behind
 * as its last replayed transaction is old: that overstates the lag after a long quiet spell, which only
 * sends a few seconds of reports to the primary, the safe side.
 */
export function chooseReportSource(probe: ReplicaProbe, maxLagSeconds: number): Omit<ReportStatus, 'replica'> {
  if (!probe.reachable) return { source: 'primary', lagSeconds: null, reason: 'unreachable' };
  if (!probe.standby || probe.bytesBehind <= 0) return { source: 'replica', lagSeconds: 0, reason: 'current' };
  const lag = probe.replayedSecondsAgo;
  if (lag === null || lag > maxLagSeconds) return { source: 'primary', lagSeconds: lag, reason: 'lagging' };
  return { source: 'replica', lagSeconds: lag, reason: 'current' };
}

/** A log position ("16/B374D848") as a number of bytes. */
export function lsnBytes(lsn: string): number {
  const [high = '', low = '', extra] = lsn.split('/');
  if (extra !== undefined || !/^[0-9A-Fa-f]{1,8}$/.test(high) || !/^[0-9A-Fa-f]{1,8}$/.test(low)) {
    throw new Error(`not a log position: ${lsn}`);
  }
  return parseInt(high, 16) * 2 ** 32 + parseInt(low, 16);
}

/**
 * Errors that say the replica cannot serve now, so the primary should: the connection (refused, reset,
 * timed out, the server shutting down or not yet accepting), or a query cancelled because the standby had
 * to replay a change that conflicted with it (SQLSTATE 40001 on a standby). The operator is told in the log.
 */
export function isReplicaUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  // 3D000 and 28xxx: its database is gone or it refuses our login (a misconfigured replica still must not take the dashboards down)
  if (/^(08|57P|28)/.test(code) || code === '40001' || code === '3D000') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE'].includes(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect/i.test(message);
}

/** How often the replica is asked how far behind it is (at most; only while reports are being read). */
const CHECK_EVERY_MS = 5000;
/** A check that takes longer than this counts as no answer. */
const CHECK_TIMEOUT_MS = 2000;
/** Report reads are few and heavy: a handful of sessions per process is plenty. */
const REPLICA_POOL_SIZE = 4;

const UNREACHABLE: ReplicaProbe = { reachable: false, standby: false, bytesBehind: 0, replayedSecondsAgo: null };

async function probeReplica(primary: Sql, replica: Sql): Promise<ReplicaProbe> {
  const check = async (): Promise<ReplicaProbe> => {
    // The primary's position first: the replica can only have come closer by the time it answers.
    const head = await sql<{ lsn: string }>`SELECT pg_current_wal_lsn()::text AS lsn`.execute(primary);
    const state = await sql<{ standby: number; replayed: string | null; ago: number | null }>`
      SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS replayed,
             EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp())) AS ago`.execute(replica);
    const row = state.rows[0];
    const primaryLsn = head.rows[0]?.lsn;
    if (!row || !primaryLsn) return UNREACHABLE;
    const standby = row.standby === 1;
    const bytesBehind = standby && row.replayed ? lsnBytes(primaryLsn) - lsnBytes(row.replayed) : 0;
    return { reachable: true, standby, bytesBehind, replayedSecondsAgo: row.ago === null ? null : Math.max(0, row.ago) };
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReplicaProbe>((resolve) => {
    timer = setTimeout(() => resolve(UNREACHABLE), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().catch(() => UNREACHABLE), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function reportReads(primary: Sql, replica: Sql | null, maxLagSeconds: number, log: FastifyBaseLogger): ReportReads {
  // Taken as current until the first check, which runs before the first report reads it.
  let status: ReportStatus = { replica: true, source: 'replica', lagSeconds: null, reason: 'current' };
  let checkedAt = 0;
  let checking: Promise<void> | null = null;

  const record = (next: Omit<ReportStatus, 'replica'>, error?: unknown) => {
    if (next.source !== status.source && next.source === 'primary') {
      log.warn(
        { lagSeconds: next.lagSeconds, reason: next.reason, err: error },
        'read replica not used: dashboards and exports read the primary until it is current again',
      );
    } else if (next.source !== status.source) {
      log.info({ lagSeconds: next.lagSeconds }, 'read replica current again: dashboards and exports read it');
    }
    status = { replica: true, ...next };
  };

  const pick = async (): Promise<Sql> => {
    if (!replica) return primary;
    if (Date.now() - checkedAt >= CHECK_EVERY_MS) {
      checking ??= probeReplica(primary, replica)
        .then((probe) => record(chooseReportSource(probe, maxLagSeconds)))
        .finally(() => {
          checkedAt = Date.now();
          checking = null;
        });
      await checking;
    }
    return status.source === 'replica' ? replica : primary;
  };

  return {
    pick,
    async read(work) {
      const chosen = await pick();
      if (chosen === primary) return work(primary);
      try {
        return await work(chosen);
      } catch (error) {
        if (!isReplicaUnavailable(error)) throw error;
        record({ source: 'primary', lagSeconds: null, reason: 'unreachable' }, error);
        checkedAt = Date.now();
        return work(primary);
      }
    },
    status: () => (replica ? status : { replica: false, source: 'primary', lagSeconds: null, reason: 'no-replica' }),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Reads that may lag a few seconds (dashboards, CSV exports): a replica's when one is configured. */
    reports: ReportReads;
  }
}

export default fp<{ readDatabaseUrl: string | null; maxLagSeconds: number; onStatement?: (sql: string) => void }>(
  async (app, opts) => {
    const replica = opts.readDatabaseUrl
      ? openSql(opts.readDatabaseUrl, opts.onStatement, {
          size: REPLICA_POOL_SIZE,
          connectTimeoutMs: CHECK_TIMEOUT_MS * 2,
          onSessionLost: (error) => app.log.warn({ err: error }, 'a session with the read replica was lost'),
        })
      : null;
    app.decorate('reports', reportReads(app.sql, replica?.sql ?? null, opts.maxLagSeconds, app.log));
    if (replica) {
      app.log.info('dashboards and exports read the replica named by DATABASE_READ_URL');
      app.addHook('onClose', replica.close);
    }
  },
  { name: 'report-reads', dependencies: ['sql'] },
);

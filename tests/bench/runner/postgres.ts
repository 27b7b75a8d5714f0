/**
 * The bench's own PostgreSQL cluster, kept under tests/bench/.data/pg between runs: `npm run bench:data --
 * --postgresql` loads each generated city into a database `city_<size>` there, and `npm run bench --
 * --postgresql` runs the app on a copy of it (CREATE DATABASE … TEMPLATE), as the SQLite bench runs on a
 * copy of the file. Unlike the test suite's throwaway clusters (tests/helpers/postgres.ts), this one keeps
 * PostgreSQL's durable defaults (fsync, synchronous_commit and full_page_writes on), as production would:
 * SQLite runs with synchronous = FULL in the app, so both pay for an acknowledged write surviving a crash.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { withClient } from '../../helpers/postgres.ts';
import { ROOT, freePort } from './processes.ts';
import type { BallotCount } from './ballots.ts';

/** Debian's postgresql 15 (TOOLCHAIN.md); PG_BIN points elsewhere. */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
export const PG_DATA_DIR = path.join(ROOT, 'tests/bench/.data/pg');

/**
 * Everything the bench sets on the server's command line; the rest is PostgreSQL 15's defaults (fsync = on,
 * synchronous_commit = on, full_page_writes = on, shared_buffers = 128MB, max_connections = 100). Loopback
 * only, and a socket in the data folder rather than /var/run/postgresql (another cluster's).
 */
const SERVER_OPTIONS = ['-c listen_addresses=127.0.0.1', `-k ${PG_DATA_DIR}`];

/** The database `bench:data` loads a size's city into. */
export const cityDatabase = (size: string) => `city_${size.replace(/[^A-Za-z0-9_]/g, '_')}`;

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Runs a PostgreSQL program as the postgres user (initdb and postgres refuse root), or as ourselves when not root. */
function runAsPostgres(program: string, args: string[]): string {
  const command = path.join(PG_BIN, program);
  const options = { encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };
  if (userInfo().uid !== 0) return execFileSync(command, args, options);
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return execFileSync('su', ['postgres', '-c', quoted], options);
}

/** The port of the cluster running on the folder, from its postmaster.pid (line 4), or null when it is not running. */
function runningPort(): number | null {
  try {
    runAsPostgres('pg_ctl', ['-D', PG_DATA_DIR, 'status']);
  } catch {
    return null; // pg_ctl status exits 3 when no server runs on the folder
  }
  const lines = readFileSync(path.join(PG_DATA_DIR, 'postmaster.pid'), 'utf8').split('\n');
  const port = Number(lines[3]);
  return Number.isInteger(port) && port > 0 ? port : null;
}

export interface BenchCluster {
  port: number;
  dataDir: string;
  /** Whether this call started the server (then `stop` stops it); false when it was running already. */
  startedHere: boolean;
  url(database: string): string;
  /** Runs statements on the `postgres` database (CREATE / DROP DATABASE). */
  admin(sql: string): Promise<void>;
  /** Stops the server if this call started it. */
  stop(): void;
}

/**
 * The kept cluster, running: initdb on first use (trust on loopback, UTF-8, C.UTF-8 collation like the
 * test clusters), started on a free port if it is not running; when it runs already it is used as it is.
 */
export async function ensureCluster(log: (message: string) => void): Promise<BenchCluster> {
  if (!existsSync(path.join(PG_DATA_DIR, 'PG_VERSION'))) {
    mkdirSync(PG_DATA_DIR, { recursive: true });
    if (userInfo().uid === 0) {
      const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(PG_DATA_DIR, id('-u'), id('-g'));
    }
    log(`initdb ${PG_DATA_DIR}`);
    runAsPostgres('initdb', ['-D', PG_DATA_DIR, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8']);
  }
  let port = runningPort();
  const startedHere = port === null;
  if (port === null) {
    port = await freePort();
    const options = [`-p ${port}`, ...SERVER_OPTIONS].join(' ');
    log(`starting PostgreSQL on ${PG_DATA_DIR} (port ${port}, log ${path.join(PG_DATA_DIR, 'log')})`);
    runAsPostgres('pg_ctl', ['-D', PG_DATA_DIR, '-o', options, '-l', path.join(PG_DATA_DIR, 'log'), '-w', 'start']);
  } else {
    log(`PostgreSQL is running on ${PG_DATA_DIR} (port ${port}): using it`);
  }
  const url = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  let running = startedHere;
  return {
    port,
    dataDir: PG_DATA_DIR,
    startedHere,
    url,
    async admin(sql) {
      await withClient(url('postgres'), (client) => client.query(sql));
    },
    stop() {
      if (!running) return;
      running = false;
      log('stopping PostgreSQL (this run started it)');
      runAsPostgres('pg_ctl', ['-D', PG_DATA_DIR, '-m', 'fast', '-w', 'stop']);
    },
  };
}

export { withClient } from '../../helpers/postgres.ts';

/** The server's version and the settings that decide what a write costs, for the report. */
export async function describeServer(url: string): Promise<string> {
  return withClient(url, async (client) => {
    const settings = ['fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'max_connections'];
    const values: string[] = [];
    for (const name of ['server_version', ...settings]) {
      const row = (await client.query<{ v: string }>('SELECT current_setting($1) AS v', [name])).rows[0];
      values.push(name === 'server_version' ? (row?.v ?? '?') : `${name} ${row?.v ?? '?'}`);
    }
    return `PostgreSQL ${values[0]} (${values.slice(1).join(', ')})`;
  });
}

/** The same count as ballots.ts's countBallots, on PostgreSQL. */
export async function countBallotsPostgresql(url: string, proposalId: number, voterKeys: string[]): Promise<BallotCount> {
  return withClient(url, async (client) => {
    const count = async (table: string) =>
      Number(
        (await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${table}" WHERE "proposalId" = $1`, [proposalId])).rows[0]
          ?.n ?? 0,
      );
    const ours = await client.query<{ n: string }>(
      'SELECT COUNT(*) AS n FROM "Ballot" WHERE "proposalId" = $1 AND "voterKey" = ANY($2::text[])',
      [proposalId, voterKeys],
    );
    return { total: await count('Ballot'), changes: await count('BallotChange'), ours: Number(ours.rows[0]?.n ?? 0) };
  });
}

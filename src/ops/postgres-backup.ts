import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { StoredFileRow } from './backup-files.ts';
import { libpqUrl } from './ops-config.ts';

/*
 * The PostgreSQL side of backup and restore, through PostgreSQL's own tools (pg_dump, pg_restore, psql),
 * never through the app's client or modules. Row counts and storage keys are read with psql from the
 * same snapshot pg_dump copies, or from the restored database, only to prove a copy is whole.
 */

/** A PostgreSQL client program: on the PATH, else the newest Debian/Ubuntu install (/usr/lib/postgresql/<n>/bin). */
export function pgProgram(name: 'pg_dump' | 'pg_restore' | 'psql'): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v) && existsSync(path.join(root, v, 'bin', name)))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return path.join(root, versions[0], 'bin', name);
  throw new Error(
    `${name} was not found. Install PostgreSQL's client programs, the same major version as the server or newer (Debian/Ubuntu: apt-get install postgresql-client).`,
  );
}

/** Runs a program to its end; rejects with its own words when it fails. */
export function run(program: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(program)} failed (exit ${code}): ${err.trim() || out.trim()}`));
    });
  });
}

const END = '__sanfang_end__';

/** One psql connection kept open, so several queries (and pg_dump, through an exported snapshot) see one moment. */
class PsqlSession {
  private buffer = '';
  private failure = '';
  private waiting: (() => void) | null = null;
  private readonly child;

  constructor(url: string) {
    this.child = spawn(
      pgProgram('psql'),
      ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-w', '-d', libpqUrl(url)],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString();
      this.waiting?.();
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.failure += chunk.toString()));
    this.child.on('close', () => this.waiting?.());
    // a psql that has exited is reported by the next query; writing to it must not crash the command
    this.child.stdin.on('error', () => {});
  }

  /** The rows of one statement, each a line of tab-separated fields. */
  query(sql: string): Promise<string[][]> {
    return new Promise((resolve, reject) => {
      this.waiting = () => {
        const at = this.buffer.indexOf(`${END}\n`);
        if (at >= 0) {
          const text = this.buffer.slice(0, at);
          this.buffer = this.buffer.slice(at + END.length + 1);
          this.waiting = null;
          resolve(
            text
              .split('\n')
              .filter((line) => line !== '')
              .map((line) => line.split('\t')),
          );
        } else if (this.child.exitCode !== null) {
          this.waiting = null;
          reject(new Error(this.failure.trim() || 'psql: the connection closed'));
        }
      };
      // psql may have gone already (a refused connection): then the close event has passed
      if (this.child.exitCode !== null) return this.waiting();
      this.child.stdin.write(`${sql.trim().replace(/;$/, '')};\n\\echo ${END}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const closed = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    this.child.stdin.end('\\q\n');
    await closed;
  }
}

const TABLES = `FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND s.nspname NOT IN ('pg_catalog', 'information_schema') AND s.nspname NOT LIKE 'pg_toast%'`;
const TABLE_NAME = `CASE WHEN s.nspname = 'public' THEN c.relname ELSE s.nspname || '.' || c.relname END`;

export interface PostgresFacts {
  tables: Record<string, number>;
  migrations: string[] | null;
  storedFiles: StoredFileRow[] | null;
}

async function factsOf(session: PsqlSession): Promise<PostgresFacts> {
  const counted = await session.query(
    `SELECT ${TABLE_NAME}, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', s.nspname, c.relname), false, true, '')))[1]::text
     ${TABLES} ORDER BY 1`,
  );
  const tables = Object.fromEntries(counted.map(([name, n]) => [name!, Number(n)]));
  const migrations =
    '_prisma_migrations' in tables
      ? (
          await session.query(
            'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name',
          )
        ).map(([name]) => name!)
      : null;
  const storedFiles =
    'Attachment' in tables
      ? (await session.query('SELECT "storageKey", "sizeBytes" FROM "Attachment"')).map(([storageKey, size]) => ({
          storageKey: storageKey!,
          sizeBytes: Number(size),
        }))
      : null;
  return { tables, migrations, storedFiles };
}

/**
 * `pg_dump -Fc` of the whole database while the app serves. The counts and migrations recorded beside it
 * are read in a repeatable-read transaction whose snapshot pg_dump is handed, so they describe exactly
 * the rows in the dump.
 */
export async function dumpPostgres(url: string, destFile: string): Promise<PostgresFacts> {
  const session = new PsqlSession(url);
  try {
    await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const [[snapshot]] = (await session.query('SELECT pg_export_snapshot()')) as [[string]];
    const facts = await factsOf(session);
    await run(pgProgram('pg_dump'), ['-Fc', '-w', `--snapshot=${snapshot}`, '-f', destFile, '-d', libpqUrl(url)]);
    await session.query('COMMIT');
    return facts;
  } finally {
    await session.close();
  }
}

/** Reads the counts, migrations and storage keys of a database (after a restore). */
export async function inspectPostgres(url: string): Promise<PostgresFacts> {
  const session = new PsqlSession(url);
  try {
    return await factsOf(session);
  } finally {
    await session.close();
  }
}

/** Other connections to the database (the app's, a dashboard replica's tool): a restore waits for none of them. */
export async function otherSessions(url: string): Promise<string[]> {
  const rows = await psql(
    url,
    `SELECT coalesce(nullif(application_name, ''), 'unnamed') || ' from ' || coalesce(client_addr::text, 'local socket')
       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
  );
  return rows.map(([who]) => who!);
}

/** Whether any table holds a row, the migrations' own record aside. */
export async function postgresHasRows(url: string): Promise<boolean> {
  const [[n]] = (await psql(
    url,
    `SELECT count(*) ${TABLES} AND c.relname <> '_prisma_migrations'
       AND query_to_xml(format('SELECT 1 AS n FROM %I.%I LIMIT 1', s.nspname, c.relname), false, true, '')::text <> ''`,
  )) as [[string]];
  return Number(n) > 0;
}

async function psql(url: string, sql: string): Promise<string[][]> {
  const out = await run(pgProgram('psql'), [
    '-X',
    '-q',
    '-A',
    '-t',
    '-F',
    '\t',
    '-v',
    'ON_ERROR_STOP=1',
    '-w',
    '-d',
    libpqUrl(url),
    '-c',
    sql,
  ]);
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

/** Checks that a dump file is a readable pg_dump archive (its table of contents lists). */
export async function checkDump(file: string): Promise<void> {
  await run(pgProgram('pg_restore'), ['-l', file]);
}

/**
 * Restores a dump over the target database in one transaction: the objects in the dump are dropped if
 * they exist and made again, and any error undoes the whole restore (the target is left as it was).
 * Objects become the connecting user's (`--no-owner`), and grants are not carried over
 * (`--no-privileges`), so a dump restores into another server whose roles differ.
 */
export async function restorePostgres(url: string, file: string): Promise<void> {
  await run(pgProgram('pg_restore'), [
    '--clean',
    '--if-exists',
    '--no-owner',
    '--no-privileges',
    '--single-transaction',
    '--exit-on-error',
    '-w',
    '-d',
    libpqUrl(url),
    file,
  ]);
}

/**
 * Loads a generated city (the SQLite file `bench:data` wrote) into a fresh PostgreSQL database in the bench's
 * kept cluster (tests/bench/runner/postgres.ts), so both dialects are measured on the same rows.
 *
 * The database is made by the app's own migrator (src/cli/migrate-postgresql.ts), then every table the two
 * schemas share is copied as is, table by table, through `COPY … FROM STDIN (FORMAT csv)` fed to psql from
 * better-sqlite3's iterator. SQLite's FTS5 tables (IssueSearch*) have no counterpart: PostgreSQL searches
 * the Issue columns through pg_trgm indexes, which are rebuilt from the loaded rows. While loading, the
 * session runs with session_replication_role = replica, so neither the foreign keys (triggers in
 * PostgreSQL) nor Issue's communityId trigger fire: the rows come whole from a database that passed its own
 * checks, and the load verifies communityId against the estates afterwards. The secondary indexes are
 * dropped first and rebuilt from their own definitions at the end (one sort each instead of random inserts).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { migratePostgresql } from '../../../src/cli/migrate-postgresql.ts';
import { cityDatabase, ensureCluster, quoteIdent, withClient } from '../runner/postgres.ts';

/** SQLite tables with nothing to copy: Prisma's history (the migrator writes PostgreSQL's), SQLite's own, FTS5's. */
const SKIPPED = /^(_prisma_migrations$|sqlite_|IssueSearch)/;
const CHUNK = 1 << 20;

export interface PostgresqlCity {
  dataDir: string;
  database: string;
  /** Rows per table, as counted in PostgreSQL after the load (equal to SQLite's, or the load fails). */
  counts: [string, number][];
  loadedIn: number;
}

type Kind = 'boolean' | 'timestamp' | 'other';

/** A DateTime as Prisma's SQLite adapter stores it ("…+00:00"), as a timestamp(3) literal in UTC. */
function timestampText(value: string | number): string {
  if (typeof value === 'number') return new Date(value).toISOString().slice(0, -1);
  if (value.endsWith('+00:00')) return value.slice(0, -6);
  if (value.endsWith('Z')) return value.slice(0, -1);
  // CURRENT_TIMESTAMP's "YYYY-MM-DD HH:MM:SS" is UTC already; any other offset is converted.
  if (/^\d{4}-\d\d-\d\d[ T][\d:.]+$/.test(value)) return value;
  return new Date(value).toISOString().slice(0, -1);
}

/**
 * One value as a CSV field. NULL is the empty unquoted field and every string is quoted, so COPY tells
 * NULL from '' (its CSV default). Booleans go as 1 / 0, which PostgreSQL's boolean input accepts.
 */
function csvField(value: unknown, kind: Kind): string {
  if (value === null || value === undefined) return '';
  if (kind === 'timestamp') return timestampText(value as string | number);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return `"${value.replaceAll('"', '""')}"`;
  throw new Error(`cannot copy a ${typeof value} value to PostgreSQL`);
}

/** Streams one table from SQLite into psql's COPY; resolves with the rows sent. */
async function copyTable(sqlite: Database.Database, url: string, table: string, columns: [string, Kind][]): Promise<number> {
  const list = columns.map(([c]) => quoteIdent(c)).join(', ');
  const psql = spawn(
    'psql',
    [
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-d',
      url,
      '-c',
      'SET session_replication_role = replica',
      '-c',
      `COPY ${quoteIdent(table)} (${list}) FROM STDIN WITH (FORMAT csv)`,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  psql.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(psql, 'exit') as Promise<[number | null, string | null]>;
  const kinds = columns.map(([, kind]) => kind);
  const select = sqlite.prepare(`SELECT ${list} FROM ${quoteIdent(table)}`).raw(true);
  let buffer = '';
  let rows = 0;
  for (const row of select.iterate() as IterableIterator<unknown[]>) {
    let line = '';
    for (let i = 0; i < row.length; i++) line += (i === 0 ? '' : ',') + csvField(row[i], kinds[i] as Kind);
    buffer += line + '\n';
    rows++;
    if (buffer.length >= CHUNK) {
      if (!psql.stdin.write(buffer)) await Promise.race([once(psql.stdin, 'drain'), exited]);
      buffer = '';
    }
  }
  psql.stdin.end(buffer);
  const [code] = await exited;
  if (code !== 0) throw new Error(`COPY into ${table} failed (psql exited ${code}):\n${stderr}`);
  return rows;
}

/**
 * Creates `city_<size>` afresh in the kept cluster and loads the SQLite city into it. Starts the cluster if
 * it was not running and stops it again afterwards in that case.
 */
export async function loadCityIntoPostgresql(
  sqliteFile: string,
  size: string,
  log: (message: string) => void,
): Promise<PostgresqlCity> {
  const started = Date.now();
  const cluster = await ensureCluster(log);
  try {
    const database = cityDatabase(size);
    const url = cluster.url(database);
    await cluster.admin(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
    await cluster.admin(`CREATE DATABASE ${quoteIdent(database)}`);
    const applied = await migratePostgresql(url);
    log(`PostgreSQL ${database}: created and migrated (${applied.length} migrations)`);

    // Read only in effect, but opened read-write: a read-only connection leaves empty -wal and -shm files behind.
    const sqlite = new Database(sqliteFile, { fileMustExist: true });
    try {
      const plan = await withClient(url, (client) => planTables(sqlite, client, log));
      const indexes = await withClient(url, async (client) => {
        const found = await client.query<{ name: string; def: string }>(SECONDARY_INDEXES);
        await client.query(`TRUNCATE ${plan.map((t) => quoteIdent(t.table)).join(', ')}`);
        for (const index of found.rows) await client.query(`DROP INDEX ${quoteIdent(index.name)}`);
        return found.rows;
      });
      let t = Date.now();
      const sent = new Map<string, number>();
      for (const { table, columns } of plan) sent.set(table, await copyTable(sqlite, url, table, columns));
      const total = [...sent.values()].reduce((a, b) => a + b, 0);
      log(`copied ${total.toLocaleString('en-US')} rows in ${plan.length} tables in ${((Date.now() - t) / 1000).toFixed(1)} s`);

      const counts = await withClient(url, async (client) => {
        t = Date.now();
        await client.query("SET maintenance_work_mem = '512MB'");
        for (const index of indexes) await client.query(index.def);
        log(`indexes rebuilt (${indexes.length}) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
        await resetSequences(client);
        await checkLoaded(client);
        t = Date.now();
        await client.query('VACUUM ANALYZE');
        log(`VACUUM ANALYZE in ${((Date.now() - t) / 1000).toFixed(1)} s`);
        return countRows(
          client,
          sqlite,
          plan.map((p) => p.table),
        );
      });
      return { dataDir: cluster.dataDir, database, counts, loadedIn: Math.round((Date.now() - started) / 100) / 10 };
    } finally {
      sqlite.close();
    }
  } finally {
    cluster.stop();
  }
}

/** Indexes that back no constraint (primary keys stay: COPY fills them in order); Prisma's unique indexes are among them. */
const SECONDARY_INDEXES = `
  SELECT c.relname AS name, pg_get_indexdef(x.indexrelid) AS def
  FROM pg_index x
  JOIN pg_class c ON c.oid = x.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
  ORDER BY c.relname`;

/** The tables both schemas have and the columns they share, with PostgreSQL's type for each. */
async function planTables(sqlite: Database.Database, client: pg.Client, log: (message: string) => void) {
  const pgColumns = await client.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const byTable = new Map<string, Map<string, Kind>>();
  for (const c of pgColumns.rows) {
    const kind: Kind = c.data_type === 'boolean' ? 'boolean' : c.data_type.startsWith('timestamp') ? 'timestamp' : 'other';
    if (!byTable.has(c.table_name)) byTable.set(c.table_name, new Map());
    byTable.get(c.table_name)?.set(c.column_name, kind);
  }
  const tables = (
    sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
  ).map((r) => r.name);
  const plan: { table: string; columns: [string, Kind][] }[] = [];
  for (const table of tables.filter((name) => !SKIPPED.test(name))) {
    const pgTable = byTable.get(table);
    if (!pgTable) {
      log(`  not in the PostgreSQL schema, not copied: ${table}`);
      continue;
    }
    const names = (sqlite.prepare(`PRAGMA table_info(${quoteIdent(table)})`).all() as { name: string }[]).map((c) => c.name);
    const columns = names.filter((n) => pgTable.has(n)).map((n): [string, Kind] => [n, pgTable.get(n) as Kind]);
    const missing = [...names.filter((n) => !pgTable.has(n)), ...[...pgTable.keys()].filter((n) => !names.includes(n))];
    if (missing.length > 0) log(`  ${table}: columns in one schema only, not copied: ${missing.join(', ')}`);
    plan.push({ table, columns });
  }
  for (const table of byTable.keys()) {
    if (table !== '_prisma_migrations' && !tables.includes(table)) log(`  in PostgreSQL only, left empty: ${table}`);
  }
  return plan;
}

/** Every serial sequence to its table's max(id), so the app's next insert gets a new id. */
async function resetSequences(client: pg.Client): Promise<void> {
  const serials = await client.query<{ table_name: string; column_name: string; seq: string }>(
    `SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) AS seq
     FROM information_schema.columns
     WHERE table_schema = 'public' AND pg_get_serial_sequence(quote_ident(table_name), column_name) IS NOT NULL`,
  );
  for (const s of serials.rows) {
    const max = `SELECT MAX(${quoteIdent(s.column_name)}) FROM ${quoteIdent(s.table_name)}`;
    // is_called false on an empty table: the first id is then 1.
    await client.query(`SELECT setval($1, COALESCE((${max}), 0) + 1, false)`, [s.seq]);
  }
}

/** The one column a trigger would have written: each issue's communityId must be its estate's. */
async function checkLoaded(client: pg.Client): Promise<void> {
  const wrong = await client.query<{ n: string }>(
    `SELECT COUNT(*) AS n FROM "Issue" i JOIN "Estate" e ON e."id" = i."estateId"
     WHERE i."communityId" IS DISTINCT FROM e."communityId"`,
  );
  const n = Number(wrong.rows[0]?.n ?? 0);
  if (n > 0) throw new Error(`${n} issues carry a communityId other than their estate's`);
}

/** Rows per table in PostgreSQL, largest first; fails when a table's count differs from SQLite's. */
async function countRows(client: pg.Client, sqlite: Database.Database, tables: string[]): Promise<[string, number][]> {
  const counts: [string, number][] = [];
  const differ: string[] = [];
  for (const table of tables) {
    const n = Number((await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${quoteIdent(table)}`)).rows[0]?.n ?? 0);
    const expected = (sqlite.prepare(`SELECT COUNT(*) AS n FROM ${quoteIdent(table)}`).get() as { n: number }).n;
    if (n !== expected) differ.push(`${table}: ${n} in PostgreSQL, ${expected} in SQLite`);
    counts.push([table, n]);
  }
  if (differ.length > 0) throw new Error(`row counts differ:\n  ${differ.join('\n  ')}`);
  return counts.sort((a, b) => b[1] - a[1]);
}

import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  Kysely,
  PostgresDialect,
  type PostgresPool,
  SqliteDialect,
  sql,
  type Expression,
  type RawBuilder,
  type SqlBool,
} from 'kysely';
import * as postgresJson from 'kysely/helpers/postgres';
import * as sqliteJson from 'kysely/helpers/sqlite';
import type { DB } from '../generated/kysely/types.ts';
import { isPostgresqlUrl } from '../db-url.ts';

/**
 * The read path for the hottest pages (README, "Performance"): typed SQL through Kysely on its own
 * better-sqlite3 connection to the same file. Prisma stays the way the schema is migrated and every
 * record is written; a page that is read a thousand times a second reads here, where a statement costs
 * tens of microseconds instead of Prisma 6's one to two milliseconds of query compilation.
 *
 * The connection is `query_only`: nothing written through it, so every write, its transaction and its
 * audit trail go through Prisma. In WAL mode it reads the last committed state without blocking the
 * writer. SQLite-specific pieces (the dialect, JSON helpers, how times are stored) stay in this file.
 *
 * On PostgreSQL (a postgresql:// DATABASE_URL) the same reads run through Kysely's PostgreSQL dialect on a
 * pool of read-only sessions; the helpers below keep their names and give each database its own SQL, and
 * values come back as SQLite's do (times as the same ISO text, counts as numbers), so the modules' reads
 * are written once. The row types are one set, generated from the SQLite schema.
 */
export type Sql = Kysely<DB>;
export { sql as rawSql } from 'kysely';

/**
 * The database this process reads: set when the read path opens (a process serves one database). The
 * helpers that must write different SQL for each (JSON aggregation, `rare`, the search) ask it.
 */
let dialect: 'sqlite' | 'postgresql' = 'sqlite';
export const sqlDialect = (): 'sqlite' | 'postgresql' => dialect;

/** A subquery's rows as one JSON array column (`jsonRows` reads it). */
export const jsonArrayFrom: typeof sqliteJson.jsonArrayFrom = (expr) =>
  dialect === 'postgresql' ? postgresJson.jsonArrayFrom(expr) : sqliteJson.jsonArrayFrom(expr);

/** A subquery's first row as one JSON object column, or null (`jsonRow` reads it). */
export const jsonObjectFrom: typeof sqliteJson.jsonObjectFrom = (expr) =>
  dialect === 'postgresql' ? postgresJson.jsonObjectFrom(expr) : sqliteJson.jsonObjectFrom(expr);

declare module 'fastify' {
  interface FastifyInstance {
    /** Typed reads for hot pages (never writes: the connection is query_only). */
    sql: Sql;
  }
}

/**
 * How Prisma's SQLite adapter stores a DateTime: ISO 8601 text with an explicit "+00:00" offset. The
 * format has a fixed width, so text order is time order and comparisons in SQL are correct.
 */
export function sqlTime(at: Date): string {
  return at.toISOString().replace('Z', '+00:00');
}

/** A stored DateTime back into a Date (ISO text, or epoch milliseconds from older rows). */
export function fromSqlTime(value: string | number): Date;
export function fromSqlTime(value: string | number | null): Date | null;
export function fromSqlTime(value: string | number | null): Date | null {
  if (value === null) return null;
  if (typeof value === 'number') return new Date(value);
  // PostgreSQL's JSON writes a timestamp without its zone ("2026-11-20T02:00:00.5"); every stored time is UTC.
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`);
}

/**
 * The rows of a `jsonArrayFrom(…)` column. SQLite hands JSON back as text (PostgreSQL's driver parses it);
 * parse it here, per column, rather than with Kysely's ParseJSONResultsPlugin, which would also turn a
 * title typed as "[1]" into an array. JSON has no dates: times inside stay ISO text (fromSqlTime them).
 */
export function jsonRows<T>(value: unknown): T[] {
  if (Array.isArray(value)) return value as T[];
  if (typeof value === 'string') return JSON.parse(value) as T[];
  return [];
}

/** The row of a `jsonObjectFrom(…)` column, or null. */
export function jsonRow<T>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return JSON.parse(value) as T;
  return value as T;
}

/**
 * Marks a condition that holds for very few rows, so the planner drives the query from its index. SQLite's
 * statistics count NULLs: a column that is NULL on nearly every row (Issue.linkedFromId) looks as if each
 * value matched the whole table, and the planner walks a whole estate instead. `likelihood` corrects the
 * estimate; PostgreSQL keeps a NULL fraction in its statistics and would take the condition as it is.
 */
export function rare(condition: Expression<SqlBool>): RawBuilder<SqlBool> {
  return dialect === 'postgresql' ? sql<SqlBool>`(${condition})` : sql<SqlBool>`likelihood(${condition}, 0.000001)`;
}

/** SQLite booleans are 0/1 (PostgreSQL's are booleans, in rows and in JSON alike). */
export const sqlBool = (value: number | boolean | null): boolean => value === true || value === 1;

/**
 * Kysely prepares every statement afresh; a page reads the same few shapes thousands of times, so keep
 * the prepared statements (bounded: the shapes are a few hundred at most; an odd one beyond evicts the
 * oldest). better-sqlite3 runs one statement at a time on a connection, so reusing them is safe.
 */
function withStatementCache(connection: Database.Database, max = 500): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const prepare = (source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      statement = connection.prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(source, statement);
    }
    return statement;
  };
  return new Proxy(connection, {
    get(target, key, receiver) {
      if (key === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Sessions of one server process for the read path on PostgreSQL. */
const READ_POOL_SIZE = 10;

/** PostgreSQL only: the pool's size, how long to wait for a session (0: as long as it takes), and who hears of a lost one. */
export interface PoolOptions {
  size?: number;
  connectTimeoutMs?: number;
  onSessionLost?: (error: Error) => void;
}

export function openSql(
  location: string,
  onStatement?: (sql: string) => void,
  pool: PoolOptions = {},
): { sql: Sql; close: () => Promise<void> } {
  if (isPostgresqlUrl(location)) return openPostgresqlSql(location, onStatement, pool);
  dialect = 'sqlite';
  const connection = new Database(location, {
    timeout: 5000,
    ...(onStatement ? { verbose: (message?: unknown) => onStatement(String(message)) } : {}),
  });
  connection.pragma('journal_mode = WAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('query_only = ON');
  // 32 MB of page cache for the read connection (default 2 MB): the hot index pages of a city stay in
  // memory; the operating system's file cache holds the rest. (No mmap: mapped pages count in the process's
  // resident memory, and the page cache is enough here.)
  connection.pragma('cache_size = -32768');
  const sql = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });
  return { sql, close: () => sql.destroy() };
}

/** PostgreSQL type ids whose values the reads expect as SQLite hands them. */
const BOOL = 16;
const INT8 = 20;
const NUMERIC = 1700;
const TIMESTAMP = 1114;

/**
 * Values as SQLite's, which the row types say (they are generated from the SQLite schema): a boolean as
 * 1 or 0 (a keyset cursor carries it, pages compare it), a count or sum (int8) and an average (numeric)
 * as numbers (pg hands both as text to keep precision; our counts are far below 2^53), a timestamp
 * (stored UTC, without zone) as the ISO text `sqlTime` writes. Inside JSON columns booleans stay
 * true/false: `sqlBool` reads both.
 */
const readTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === BOOL) return (value: string) => (value === 't' ? 1 : 0);
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    if (oid === TIMESTAMP) return (value: string) => sqlTime(new Date(`${value.replace(' ', 'T')}Z`));
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** A statement's name on the server, from its text (the same text, the same name, in every session). */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `k${createHash('sha1').update(text).digest('hex')}`;
    if (statementNames.size >= 5000) statementNames.delete(statementNames.keys().next().value as string);
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Runs every read as a named prepared statement. PostgreSQL plans an unnamed statement afresh each time it
 * is bound, and for the lists' UNION ALL of index ranges planning costs 2-3 ms where running the plan costs
 * 0.15 ms (measured at 100k issues, log_min_duration_statement). A named statement is parsed once per
 * session and, after five runs, keeps a generic plan when it is as good as the custom ones. In-process at
 * 100k issues this took a filtered queue page from 5.7 to 3.1 ms and the long issue page from 8.0 to 3.8.
 * (Behind PgBouncer in transaction mode, prepared statements need its max_prepared_statements, 1.21+.)
 */
function preparedStatements(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      const client = await pool.connect();
      return {
        query: ((text: unknown, values?: unknown[]) =>
          typeof text === 'string'
            ? client.query({ name: statementName(text), text, values })
            : client.query(text as never)) as never,
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}

function openPostgresqlSql(
  url: string,
  onStatement: ((sql: string) => void) | undefined,
  options: PoolOptions,
): { sql: Sql; close: () => Promise<void> } {
  dialect = 'postgresql';
  // Read-only sessions: as SQLite's query_only connection, nothing can be written through the read path.
  const pool = new pg.Pool({
    connectionString: url,
    max: options.size ?? READ_POOL_SIZE,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 0,
    // Each session keeps the statements it prepared (below) for its life: a fresh session after this many
    // reads bounds that to the shapes in use, at the cost of one connection (a few ms) per 10,000 reads.
    maxUses: 10_000,
    options: '-c default_transaction_read_only=on',
    types: readTypes,
  });
  // A session that dies while idle in the pool (the server restarted, a failover, an administrator ended it)
  // is an 'error' event on the pool; unheard, Node would end the whole process. The pool has already dropped
  // it, and the next read opens a new one.
  pool.on('error', (error) => options.onSessionLost?.(error));
  const sql = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: preparedStatements(pool) }),
    ...(onStatement ? { log: (event) => onStatement(event.query.sql) } : {}),
  });
  return { sql, close: () => sql.destroy() };
}

export default fp<{ databaseFile: string; onStatement?: (sql: string) => void }>(
  async (app, opts) => {
    const { sql, close } = openSql(opts.databaseFile, opts.onStatement, {
      onSessionLost: (error) =>
        app.log.warn({ err: error }, 'a database session of the read path was lost; the next read opens another'),
    });
    app.decorate('sql', sql);
    app.addHook('onClose', close);
  },
  { name: 'sql', dependencies: ['db'] },
);

import fp from 'fastify-plugin';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { DB } from '../generated/kysely/types.ts';

/**
 * The read path for the hottest pages (README, "Performance"): typed SQL through Kysely on its own
 * better-sqlite3 connection to the same file. Prisma stays the way the schema is migrated and every
 * record is written; a page that is read a thousand times a second reads here, where a statement costs
 * tens of microseconds instead of Prisma 6's one to two milliseconds of query compilation.
 *
 * The connection is `query_only`: nothing written through it, so every write, its transaction and its
 * audit trail go through Prisma. In WAL mode it reads the last committed state without blocking the
 * writer. SQLite-specific pieces (the dialect, JSON helpers, how times are stored) stay in this file.
 */
export type Sql = Kysely<DB>;
export { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/sqlite';
export { sql as rawSql } from 'kysely';

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
  return new Date(typeof value === 'number' ? value : value);
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
  return sql<SqlBool>`likelihood(${condition}, 0.000001)`;
}

/** SQLite booleans are 0/1. */
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

export function openSql(file: string, onStatement?: (sql: string) => void): { sql: Sql; close: () => Promise<void> } {
  const connection = new Database(file, {
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

export default fp<{ databaseFile: string; onStatement?: (sql: string) => void }>(
  async (app, opts) => {
    const { sql, close } = openSql(opts.databaseFile, opts.onStatement);
    app.decorate('sql', sql);
    app.addHook('onClose', close);
  },
  { name: 'sql', dependencies: ['db'] },
);

import path from 'node:path';

export const DEFAULT_DATABASE_URL = 'file:./data/sanfang.db';

/** Whether DATABASE_URL names a PostgreSQL database (`postgresql://` or `postgres://`) rather than a SQLite file. */
export function isPostgresqlUrl(url: string | undefined): boolean {
  return /^postgres(ql)?:\/\//i.test((url ?? '').trim());
}

/**
 * Where the database is, from DATABASE_URL: a SQLite `file:` URL as the file's absolute path (resolved
 * against the working directory), or a PostgreSQL URL as it is. The database plugins (src/plugins/db.ts,
 * sql.ts) open either by this one value.
 */
export function databaseFileFromUrl(url: string | undefined): string {
  const value = url && url.trim() !== '' ? url.trim() : DEFAULT_DATABASE_URL;
  if (isPostgresqlUrl(value)) return value;
  if (!value.startsWith('file:')) {
    throw new Error(`DATABASE_URL must be a file: URL (SQLite) or a postgresql:// URL, got "${value}"`);
  }
  return path.resolve(value.slice('file:'.length));
}

import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { StoredFileRow } from './backup-files.ts';

/*
 * The SQLite side of backup and restore. These work on whole database files, never through the app's
 * Prisma client or its modules: the row counts and the storage keys below are read with better-sqlite3
 * from the copy being backed up or restored (the one place outside a module that reads tables, and only
 * to prove the copy is whole).
 */

/**
 * Copies a live database with SQLite's online backup API while the app keeps writing. It is done in one
 * step: one read transaction for the whole copy, so the copy is the database as of one moment (in WAL
 * mode a reader does not hold up the app's writers; they append to the WAL meanwhile). Copied in small
 * steps, every write by the app between two steps would make SQLite start the copy over, and under steady
 * load it might never finish. The copy is then switched out of WAL, so it is one self-contained file.
 */
export async function snapshotSqlite(sourceFile: string, destFile: string): Promise<void> {
  if (!existsSync(sourceFile)) throw new Error(`the database file ${sourceFile} does not exist (check DATABASE_URL)`);
  const source = new Database(sourceFile, { fileMustExist: true, timeout: 5000 });
  try {
    source.pragma('query_only = ON');
    await source.backup(destFile, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  const copy = new Database(destFile);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

export interface SqliteFacts {
  /** `PRAGMA integrity_check`: ['ok'] when whole. */
  integrity: string[];
  /** Rows of `PRAGMA foreign_key_check` (a row pointing at a missing parent). */
  foreignKeyProblems: number;
  tables: Record<string, number>;
  /** Applied migrations in order; null without a `_prisma_migrations` table. */
  migrations: string[] | null;
  /** Every attachment row's file; null without an Attachment table. */
  storedFiles: StoredFileRow[] | null;
}

/** Checks a database file (never the live one) and reads what a manifest records about it. */
export function inspectSqlite(file: string): SqliteFacts {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    const foreignKeyProblems = (db.pragma('foreign_key_check') as unknown[]).length;
    const names = (
      db
        .prepare(
          "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name",
        )
        .all() as { name: string }[]
    ).map((r) => r.name);
    const tables: Record<string, number> = {};
    for (const name of names) {
      tables[name] = (db.prepare(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number }).n;
    }
    const migrations = names.includes('_prisma_migrations')
      ? (
          db
            .prepare(
              'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name',
            )
            .all() as { migration_name: string }[]
        ).map((r) => r.migration_name)
      : null;
    const storedFiles = names.includes('Attachment')
      ? (db.prepare('SELECT storageKey, sizeBytes FROM Attachment').all() as StoredFileRow[])
      : null;
    return { integrity, foreignKeyProblems, tables, migrations, storedFiles };
  } finally {
    db.close();
  }
}

/**
 * Whether another process has the database open (the app, or a backup running). The app keeps its
 * connection open while it runs, and in WAL mode every open connection holds a shared lock: asking for
 * SQLite's exclusive locking mode is refused at once while any other connection exists.
 */
export function sqliteInUse(file: string): boolean {
  if (!existsSync(file)) return false;
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true;
    throw error;
  } finally {
    db.close();
  }
}

/** Whether any table holds a row, the migrations' own record aside (a freshly migrated database is empty). */
export function sqliteHasRows(file: string): boolean {
  if (!existsSync(file)) return false;
  // read-write but query-only: a read-only connection to a WAL database leaves its -wal and -shm behind
  const db = new Database(file, { fileMustExist: true, timeout: 5000 });
  try {
    db.pragma('query_only = ON');
    const names = (
      db
        .prepare(
          "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'",
        )
        .all() as { name: string }[]
    ).map((r) => r.name);
    return names.some((name) => db.prepare(`SELECT 1 FROM "${name.replaceAll('"', '""')}" LIMIT 1`).get() !== undefined);
  } catch (error) {
    // Not a database at all (SQLITE_NOTADB): something is there, so it is not empty.
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') return true;
    throw error;
  } finally {
    db.close();
  }
}

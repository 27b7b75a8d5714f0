import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What a backup folder holds and says about itself (`manifest.json`, written last: a folder without one
 * is not a backup). Restore checks the database file against `database.sha256`, the table counts against
 * the restored database, and `migrations.applied` against the code's migrations.
 */
export const MANIFEST_FORMAT = 'sanfang-backup/1';
export const MANIFEST_FILE = 'manifest.json';
export const UPLOADS_FOLDER = 'uploads';

export type Provider = 'sqlite' | 'postgresql';

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  /** When the database snapshot was taken (ISO 8601, UTC): everything committed before it is in the backup. */
  createdAt: string;
  /** When the backup was complete (uploads copied, manifest written). */
  finishedAt: string;
  source: {
    provider: Provider;
    host: string;
    /** The SQLite file, or the PostgreSQL URL without its password. */
    database: string;
    uploadDir: string;
  };
  app: { name: string; version: string };
  /** The migrations applied to the database, in order; null when it has no `_prisma_migrations` table. */
  migrations: { applied: string[] | null; latest: string | null };
  database: { file: string; bytes: number; sha256: string };
  /** Rows per table in the snapshot. */
  tables: Record<string, number>;
  uploads: { files: number; bytes: number; linkedFromPrevious: number };
}

/** Reads and checks a backup folder's manifest; throws a message an operator can act on. */
export function readManifest(backupDir: string): Manifest {
  const file = path.join(backupDir, MANIFEST_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is missing' : 'it is not valid JSON';
    throw new Error(`${file}: ${why}. This is not a complete Sanfang backup (an interrupted backup has no manifest).`);
  }
  const m = parsed as Partial<Manifest>;
  if (m.format !== MANIFEST_FORMAT) {
    throw new Error(`${file}: format "${String(m.format)}" is not "${MANIFEST_FORMAT}", which this version restores.`);
  }
  const ok =
    (m.source?.provider === 'sqlite' || m.source?.provider === 'postgresql') &&
    typeof m.database?.file === 'string' &&
    !m.database.file.includes('/') &&
    !m.database.file.includes('\\') &&
    /^[0-9a-f]{64}$/.test(m.database.sha256 ?? '') &&
    typeof m.tables === 'object' &&
    m.tables !== null &&
    (m.migrations?.applied === null || Array.isArray(m.migrations?.applied));
  if (!ok) throw new Error(`${file}: the manifest is incomplete or damaged.`);
  return m as Manifest;
}

/** The migrations this code knows (prisma/migrations), in the order Prisma applies them. */
export function codeMigrations(migrationsDir: string): string[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

export type MigrationPlan =
  | { kind: 'current' }
  /** The backup was taken before some of this code's migrations: apply them after restoring. */
  | { kind: 'older'; pending: string[] }
  /** The backup has migrations this code has never seen: restore it with the version that made it. */
  | { kind: 'newer'; unknown: string[] }
  /** The backup does not say (its database was not made by `prisma migrate deploy`). */
  | { kind: 'unrecorded' };

/**
 * What a restore must do about migrations, Prisma's `migrate deploy` rule: a database may lag the code
 * (the missing migrations are applied, in order), never lead it. A migration the code does not have
 * means the backup came from a newer version, and running this code on it would misread its tables.
 */
export function migrationPlan(applied: string[] | null, known: string[]): MigrationPlan {
  if (applied === null) return { kind: 'unrecorded' };
  const knownSet = new Set(known);
  const unknown = applied.filter((name) => !knownSet.has(name));
  if (unknown.length > 0) return { kind: 'newer', unknown };
  const appliedSet = new Set(applied);
  const pending = known.filter((name) => !appliedSet.has(name));
  return pending.length === 0 ? { kind: 'current' } : { kind: 'older', pending };
}

/** Tables whose counts differ between the manifest and the restored database (none when it restored whole). */
export function countMismatches(expected: Record<string, number>, actual: Record<string, number>): string[] {
  const names = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...names]
    .sort()
    .filter((name) => expected[name] !== actual[name])
    .map((name) => `${name}: backup ${expected[name] ?? 'none'}, restored ${actual[name] ?? 'none'}`);
}

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * Applies prisma/postgresql/migrations to a PostgreSQL database, as `prisma migrate deploy` would: that
 * command cannot migrate through the driver adapter (prisma/orm#27403, "Column type 'name' could not be
 * deserialized"), and the native engine it would otherwise use is a download this app does without.
 *
 * Each migration folder, in name order, runs in its own transaction together with its record in
 * `_prisma_migrations` (Prisma's own table and columns, so Prisma's tools read the history alike): it is
 * applied whole or not at all. Run again, it applies only what is new. A migration whose file changed since
 * it was applied is refused (its checksum, the SHA-256 of the file, no longer matches), as is a history with
 * a failed migration Prisma left behind. Several server processes starting at once take turns on an
 * advisory lock (Prisma's own key), so each migration runs once.
 */
export const POSTGRESQL_MIGRATIONS = path.resolve(import.meta.dirname, '../../prisma/postgresql/migrations');

/** The key `prisma migrate` locks with: this and Prisma never migrate the same database at once. */
const MIGRATION_LOCK = 72707369;

const HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The migration folders of `dir`, oldest first, with their SQL and its checksum. */
export function readMigrations(dir = POSTGRESQL_MIGRATIONS): Migration[] {
  if (!existsSync(dir)) throw new MigrationError(`no migrations folder at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Applies the migrations not yet applied; returns their names (none: the database was up to date). */
export async function migratePostgresql(
  connectionString: string,
  options: { dir?: string; log?: (line: string) => void } = {},
): Promise<string[]> {
  const migrations = readMigrations(options.dir);
  const log = options.log ?? (() => {});
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(HISTORY_TABLE);
    const history = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>('SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations" ORDER BY "started_at"');
    const applied = new Map<string, string>();
    for (const row of history.rows) {
      if (row.rolled_back_at !== null) continue;
      if (row.finished_at === null) {
        throw new MigrationError(`migration ${row.migration_name} failed earlier and was left unfinished: resolve it by hand`);
      }
      applied.set(row.migration_name, row.checksum);
    }
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new MigrationError(
            `migration ${migration.name} was changed after it was applied (checksum ${checksum} in the database, ${migration.checksum} on disk)`,
          );
        }
        continue;
      }
      log(`applying ${migration.name}`);
      await client.query('BEGIN');
      try {
        const startedAt = new Date();
        // Without parameters pg sends the simple query protocol: the whole file runs, statement by statement.
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "logs", "started_at", "applied_steps_count")
           VALUES ($1, $2, now(), $3, NULL, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
      }
      done.push(migration.name);
    }
    return done;
  } finally {
    // Ending the session releases the advisory lock.
    await client.end();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const url = process.env.DATABASE_URL ?? '';
  try {
    const done = await migratePostgresql(url, { log: (line) => console.log(line) });
    console.log(done.length === 0 ? 'No pending migrations to apply.' : `Applied ${done.length} migration(s).`);
  } catch (error) {
    console.error(error instanceof MigrationError ? error.message : error);
    process.exitCode = 1;
  }
}

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRESQL_SCHEMA, SOURCE_SCHEMA, migrationSql, postgresqlSchema } from '../../prisma/postgresql/generate.ts';
import { POSTGRESQL_MIGRATIONS, migratePostgresql } from '../../src/cli/migrate-postgresql.ts';
import { freshDatabase } from '../helpers/app.ts';
import { startCluster, withClient, type PgCluster } from '../helpers/postgres.ts';

/**
 * The search's trigram indexes (prisma/postgresql/migrations/…_triggers_and_search): Prisma cannot describe a
 * GIN index with an operator class on this schema, so the schema leaves them out; named one by one so any
 * other index missing from the schema is drift. SQLite's counterpart is the FTS5 table (migrations.test.ts).
 */
const TRIGRAM_INDEXES = ['Issue_title_trgm_idx', 'Issue_description_trgm_idx', 'Issue_locationNote_trgm_idx'];
const FULL_TEXT_TABLES = ['IssueSearch', 'IssueSearch_config', 'IssueSearch_data', 'IssueSearch_docsize', 'IssueSearch_idx'];

let cluster: PgCluster;
const dir = mkdtempSync(path.join(tmpdir(), 'sanfang-pg-migrations-'));
beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(() => {
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Tables, columns, indexes and foreign keys of a PostgreSQL database, in a form two databases can be compared by. */
async function shape(url: string) {
  return withClient(url, async (client) => {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY table_name`,
    );
    const columns = await client.query<Record<string, string>>(
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = 'public' ORDER BY table_name, column_name`,
    );
    const indexes = await client.query<{ tablename: string; indexname: string; indexdef: string }>(
      `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname`,
    );
    const foreignKeys = await client.query<{ table: string; name: string; definition: string }>(
      `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition
       FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2`,
    );
    return Object.fromEntries(
      tables.rows.map(({ table_name: table }) => [
        table,
        {
          columns: columns.rows.filter((c) => c.table_name === table).map(({ table_name: _t, ...c }) => c),
          indexes: indexes.rows
            .filter((i) => i.tablename === table && !TRIGRAM_INDEXES.includes(i.indexname))
            .map(({ indexname, indexdef }) => ({ indexname, indexdef })),
          foreignKeys: foreignKeys.rows
            .filter((f) => f.table === `"${table}"`)
            .map(({ name, definition }) => ({ name, definition })),
        },
      ]),
    );
  });
}

/**
 * PostgreSQL's identifiers are at most 63 bytes: Prisma shortens a longer index name it derives from the
 * columns by cutting it and keeping the `_idx` ending, where SQLite keeps the whole name.
 */
function postgresqlIndexName(name: string): string {
  const suffix = '_idx';
  return name.length > 63 && name.endsWith(suffix) ? `${name.slice(0, 63 - suffix.length)}${suffix}` : name;
}

/** Models, columns (name, nullability), indexes (name, uniqueness, columns) of the SQLite migration set. */
function sqliteModels(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name",
        )
        .all() as { name: string }[]
    ).filter(({ name }) => !FULL_TEXT_TABLES.includes(name));
    return Object.fromEntries(
      tables.map(({ name }) => [
        name,
        {
          columns: (db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string; notnull: number; pk: number }[])
            .map((c) => ({ name: c.name, nullable: c.notnull === 0 && c.pk === 0 }))
            .sort((a, b) => a.name.localeCompare(b.name)),
          indexes: (db.prepare(`PRAGMA index_list("${name}")`).all() as { name: string; unique: number; origin: string }[])
            .filter((i) => i.origin !== 'pk')
            .map((i) => ({
              name: postgresqlIndexName(i.name),
              unique: i.unique === 1,
              columns: (db.prepare(`PRAGMA index_info("${i.name}")`).all() as { name: string }[]).map((c) => c.name),
            }))
            .sort((a, b) => a.name.localeCompare(b.name)),
        },
      ]),
    );
  } finally {
    db.close();
  }
}

/** The same view of a PostgreSQL database. */
async function postgresqlModels(url: string) {
  return withClient(url, async (client) => {
    const columns = await client.query<{ table_name: string; column_name: string; is_nullable: string }>(
      `SELECT c.table_name, c.column_name, c.is_nullable FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> '_prisma_migrations'`,
    );
    const indexes = await client.query<{ table: string; name: string; unique: boolean; columns: string[] }>(
      `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique,
              array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace s ON s.oid = t.relnamespace
       WHERE s.nspname = 'public' AND NOT x.indisprimary AND t.relname <> '_prisma_migrations'`,
    );
    const tables = [...new Set(columns.rows.map((c) => c.table_name))].sort();
    return Object.fromEntries(
      tables.map((table) => [
        table,
        {
          columns: columns.rows
            .filter((c) => c.table_name === table)
            .map((c) => ({ name: c.column_name, nullable: c.is_nullable === 'YES' }))
            .sort((a, b) => a.name.localeCompare(b.name)),
          indexes: indexes.rows
            .filter((i) => i.table === table && !TRIGRAM_INDEXES.includes(i.name))
            .map(({ name, unique, columns: cols }) => ({ name, unique, columns: cols }))
            .sort((a, b) => a.name.localeCompare(b.name)),
        },
      ]),
    );
  });
}

describe('PostgreSQL migrations', () => {
  it('keep prisma/postgresql/schema.prisma exactly what npm run db:pg:generate writes from prisma/schema.prisma', () => {
    expect(readFileSync(POSTGRESQL_SCHEMA, 'utf8')).toBe(postgresqlSchema(readFileSync(SOURCE_SCHEMA, 'utf8')));
  });

  it('build exactly the database that prisma/postgresql/schema.prisma describes (no drift)', async () => {
    const migrated = await cluster.createDatabase('migrated');
    await migratePostgresql(migrated);
    const described = await cluster.createDatabase('described');
    await withClient(described, (client) => client.query(migrationSql(null, POSTGRESQL_SCHEMA)));
    const [a, b] = [await shape(migrated), await shape(described)];
    expect(Object.keys(a).length).toBeGreaterThan(30);
    expect(a).toEqual(b);
  });

  it('describe the same models, columns and indexes as the SQLite migrations', async () => {
    const url = await cluster.createDatabase('models');
    await migratePostgresql(url);
    const sqlite = sqliteModels(freshDatabase(mkdtempSync(path.join(dir, 'sqlite-'))));
    expect(await postgresqlModels(url)).toEqual(sqlite);
  });

  it('add the search trigram indexes, the audit log append-only rule and the issue community copy', async () => {
    const url = await cluster.createDatabase('raw');
    await migratePostgresql(url);
    await withClient(url, async (client) => {
      const trigram = await client.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%' ORDER BY indexname`,
      );
      expect(trigram.rows.map((r) => r.indexname)).toEqual([...TRIGRAM_INDEXES].sort());

      await client.query(`INSERT INTO "AuditEntry" ("action") VALUES ('test.entry')`);
      await expect(client.query(`UPDATE "AuditEntry" SET "action" = 'changed'`)).rejects.toThrow(/append-only/);
      await expect(client.query(`DELETE FROM "AuditEntry"`)).rejects.toThrow(/append-only/);
      expect((await client.query(`SELECT "action" FROM "AuditEntry"`)).rows).toEqual([{ action: 'test.entry' }]);

      const communities = await client.query<{ id: number }>(
        `INSERT INTO "Community" ("name") VALUES ('一'), ('二') RETURNING "id"`,
      );
      const [one, two] = communities.rows.map((r) => r.id);
      const estates = await client.query<{ id: number }>(
        `INSERT INTO "Estate" ("communityId", "name") VALUES ($1, 'A'), ($2, 'B') RETURNING "id"`,
        [one, two],
      );
      const [a, b] = estates.rows.map((r) => r.id);
      const category = await client.query<{ id: number }>(
        `INSERT INTO "Category" ("code", "nameZh", "nameEn", "responseHours", "resolveHours")
         VALUES ('leak', '漏水', 'Leak', 24, 72) RETURNING "id"`,
      );
      const user = await client.query<{ id: number }>(
        `INSERT INTO "User" ("username", "passwordHash", "displayName", "role", "updatedAt")
         VALUES ('r', 'x', '住户', 'resident', now()) RETURNING "id"`,
      );
      // communityId left out: the trigger fills it in from the estate
      const issue = await client.query<{ id: number; communityId: number }>(
        `INSERT INTO "Issue" ("estateId", "locationType", "isPublic", "categoryId", "title", "description", "reporterId",
                              "submissionKey", "respondBy", "resolveBy", "updatedAt")
         VALUES ($1, 'unit', true, $2, '漏水', '卧室天花板漏水', $3, 'k1', now(), now(), now()) RETURNING "id", "communityId"`,
        [a, category.rows[0]?.id, user.rows[0]?.id],
      );
      expect(issue.rows[0]?.communityId).toBe(one);
      await client.query(`UPDATE "Issue" SET "estateId" = $1 WHERE "id" = $2`, [b, issue.rows[0]?.id]);
      expect((await client.query(`SELECT "communityId" FROM "Issue"`)).rows).toEqual([{ communityId: two }]);
      await client.query(`UPDATE "Estate" SET "communityId" = $1 WHERE "id" = $2`, [one, b]);
      expect((await client.query(`SELECT "communityId" FROM "Issue"`)).rows).toEqual([{ communityId: one }]);
    });
  });
});

describe('the PostgreSQL migrator (src/cli/migrate-postgresql.ts)', () => {
  it('applies every migration once, records each as Prisma does, and applies nothing the second time', async () => {
    const url = await cluster.createDatabase('applier');
    const first = await migratePostgresql(url);
    expect(first.length).toBeGreaterThanOrEqual(2);
    expect(await migratePostgresql(url)).toEqual([]);
    const rows = await withClient(url, (client) =>
      client.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
        `SELECT "migration_name", "checksum", "finished_at", "applied_steps_count", "rolled_back_at", "logs", "id", "started_at"
         FROM "_prisma_migrations" ORDER BY "migration_name"`,
      ),
    );
    expect(rows.rows.map((r) => r.migration_name)).toEqual(first);
    for (const row of rows.rows) {
      const sql = readFileSync(path.join(POSTGRESQL_MIGRATIONS, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('applies only a new migration, and refuses one changed after it was applied', async () => {
    const url = await cluster.createDatabase('changed');
    const migrations = mkdtempSync(path.join(dir, 'migrations-'));
    cpSync(POSTGRESQL_MIGRATIONS, migrations, { recursive: true });
    const applied = await migratePostgresql(url, { dir: migrations });

    cpSync(path.join(migrations, applied[0] as string), path.join(migrations, '29990101000000_more'), { recursive: true });
    writeFileSync(path.join(migrations, '29990101000000_more', 'migration.sql'), 'CREATE TABLE "More" ("id" INTEGER);\n');
    expect(await migratePostgresql(url, { dir: migrations })).toEqual(['29990101000000_more']);

    appendFileSync(path.join(migrations, applied[0] as string, 'migration.sql'), '\n-- edited\n');
    await expect(migratePostgresql(url, { dir: migrations })).rejects.toThrow(/was changed after it was applied/);
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const url = await cluster.createDatabase('failing');
    const migrations = mkdtempSync(path.join(dir, 'failing-'));
    cpSync(POSTGRESQL_MIGRATIONS, migrations, { recursive: true });
    await migratePostgresql(url, { dir: migrations });
    cpSync(path.join(migrations, '20261130163000_init'), path.join(migrations, '29990101000000_bad'), { recursive: true });
    writeFileSync(
      path.join(migrations, '29990101000000_bad', 'migration.sql'),
      'CREATE TABLE "Half" ("id" INTEGER);\nSELECT no_such_function();\n',
    );
    await expect(migratePostgresql(url, { dir: migrations })).rejects.toThrow(/29990101000000_bad failed and was rolled back/);
    await withClient(url, async (client) => {
      expect((await client.query(`SELECT to_regclass('"Half"') AS t`)).rows).toEqual([{ t: null }]);
      const names = await client.query(`SELECT 1 FROM "_prisma_migrations" WHERE "migration_name" = '29990101000000_bad'`);
      expect(names.rowCount).toBe(0);
    });
  });

  it("is what npm start's prestart runs for a postgresql:// DATABASE_URL, and prisma migrate deploy still for a SQLite file", async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const migrate = (url: string) =>
      execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/migrate.ts'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const url = await cluster.createDatabase('prestart');
    expect(migrate(url)).toContain('Applied');
    expect(migrate(url)).toContain('No pending migrations');
    const rows = await withClient(url, (client) => client.query('SELECT count(*)::int AS n FROM "_prisma_migrations"'));
    expect(rows.rows[0]?.n).toBe(readdirSync(POSTGRESQL_MIGRATIONS).length);

    const file = path.join(mkdtempSync(path.join(dir, 'prestart-sqlite-')), 'app.db');
    migrate(`file:${file}`);
    expect(existsSync(file)).toBe(true);
    const sqlite = new Database(file, { readonly: true });
    try {
      const applied = sqlite.prepare('SELECT count(*) AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL').get() as {
        n: number;
      };
      expect(applied.n).toBe(readdirSync(path.join(root, 'prisma/migrations')).filter((n) => !n.endsWith('.toml')).length);
    } finally {
      sqlite.close();
    }
  });
});

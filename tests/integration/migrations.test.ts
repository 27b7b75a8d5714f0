import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../helpers/app.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'sanfang-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The queue's full-text index (migration 20261130160100_issue_search): an FTS5 virtual table and the shadow
 * tables SQLite keeps for it. Prisma has no way to describe a virtual table, so the schema cannot hold it and
 * the migration is hand-written; named one by one so that any other table missing from the schema is drift.
 */
const FULL_TEXT_TABLES = ['IssueSearch', 'IssueSearch_config', 'IssueSearch_data', 'IssueSearch_docsize', 'IssueSearch_idx'];

/** Tables, columns, indexes and foreign keys of a SQLite file, in a form two databases can be compared by. */
function shape(file: string) {
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
      tables.map(({ name }) => {
        // by name, not position: a column added later by ALTER TABLE comes last, and that is no drift
        const columns = (db.prepare(`PRAGMA table_info("${name}")`).all() as { cid: number; name: string }[])
          .map(({ cid: _cid, ...column }) => column)
          .sort((a, b) => a.name.localeCompare(b.name));
        const indexes = (db.prepare(`PRAGMA index_list("${name}")`).all() as { name: string; unique: number; origin: string }[])
          .filter((i) => i.origin !== 'pk')
          .map((i) => ({
            name: i.name,
            unique: i.unique,
            columns: (db.prepare(`PRAGMA index_info("${i.name}")`).all() as { name: string }[]).map((c) => c.name),
          }))
          .sort((a, b) => a.name.localeCompare(b.name));
        const foreignKeys = (db.prepare(`PRAGMA foreign_key_list("${name}")`).all() as Record<string, unknown>[])
          .map(({ table, from, to, on_delete, on_update }) => ({ table, from, to, on_delete, on_update }))
          .sort((a, b) => String(a.from).localeCompare(String(b.from)));
        return [name, { columns, indexes, foreignKeys }];
      }),
    );
  } finally {
    db.close();
  }
}

describe('migrations', () => {
  it('build exactly the database that prisma/schema.prisma describes (no drift)', () => {
    const migrated = freshDatabase(mkdtempSync(path.join(dir, 'migrated-')));
    const sql = execFileSync(
      path.join(ROOT, 'node_modules/.bin/prisma'),
      ['migrate', 'diff', '--from-empty', '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const fromSchemaFile = path.join(dir, 'from-schema.db');
    const fromSchema = new Database(fromSchemaFile);
    fromSchema.exec(sql);
    fromSchema.close();
    expect(shape(migrated)).toEqual(shape(fromSchemaFile));
  });

  it('make the full-text tables, and only those, the ones the schema does not describe', () => {
    const db = new Database(freshDatabase(mkdtempSync(path.join(dir, 'search-'))), { readonly: true });
    try {
      const names = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'IssueSearch%'").all() as {
          name: string;
        }[]
      ).map((r) => r.name);
      expect(names.sort()).toEqual([...FULL_TEXT_TABLES].sort());
    } finally {
      db.close();
    }
  });

  it('keep the audit log append-only in the database itself', () => {
    const file = freshDatabase(mkdtempSync(path.join(dir, 'audit-')));
    const db = new Database(file);
    try {
      db.prepare("INSERT INTO AuditEntry (action) VALUES ('test.entry')").run();
      expect(() => db.prepare("UPDATE AuditEntry SET action = 'changed'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM AuditEntry').run()).toThrow(/append-only/);
      expect(db.prepare('SELECT action FROM AuditEntry').all()).toEqual([{ action: 'test.entry' }]);
    } finally {
      db.close();
    }
  });
});

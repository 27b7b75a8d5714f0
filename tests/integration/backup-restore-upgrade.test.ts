import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedDatabase, npmRun } from './backup-restore-fixtures.ts';

/**
 * A backup taken by the previous version of Sanfang, restored by this one (issue #13, item 3): restore
 * applies the migrations the backup predates, as `prisma migrate deploy` does at `npm start`, before the
 * restored file is put in place.
 */

let dir: string;
const place = (name: string) => ({
  DATABASE_URL: `file:${path.join(dir, name, 'sanfang.db')}`,
  UPLOAD_DIR: path.join(dir, name, 'uploads'),
});
const env = (name: string) => ({ ...place(name), BACKUP_DIR: path.join(dir, 'backups'), NODE_ENV: 'test' });

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sanfang-backup-upgrade-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('restoring a backup from an earlier version', () => {
  it('applies the newest migration it lacks with prisma migrate deploy, and the restored database is whole', async () => {
    const applied = migratedDatabase(path.join(dir, 'older', 'sanfang.db'), 1);
    const backup = await npmRun('backup', [], env('older'));
    expect(backup.code, backup.stderr).toBe(0);
    const manifest = /backup: done: (.+)$/m.exec(backup.stdout)![1]!;

    const restore = await npmRun('restore', [manifest], env('upgraded'));
    expect(restore.code, restore.stderr + restore.stdout).toBe(0);
    expect(restore.stdout).toContain('the backup predates 1 migration(s) of this code');

    const db = new Database(path.join(dir, 'upgraded', 'sanfang.db'), { readonly: true });
    try {
      const names = db.prepare('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1').all();
      expect(names).toHaveLength(applied.length + 1);
      expect(names.slice(0, applied.length)).toEqual(applied.map((migration_name) => ({ migration_name })));
      expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      db.close();
    }
  });

  it('refuses a backup from a newer version, whose migrations this code does not know', async () => {
    const file = path.join(dir, 'newer', 'sanfang.db');
    migratedDatabase(file);
    const db = new Database(file);
    db.prepare(
      "INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ('x', 'x', '29991231000000_future', '2026-11-20', 1)",
    ).run();
    db.close();
    const backup = await npmRun('backup', [], env('newer'));
    expect(backup.code, backup.stderr).toBe(0);

    const restore = await npmRun('restore', ['latest'], env('target'));
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain(
      'taken by a newer version of Sanfang (migrations unknown to this code: 29991231000000_future)',
    );
  });
});

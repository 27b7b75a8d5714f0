import { cpSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/plugins/db.ts';
import { loginAs } from '../helpers/client.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import {
  csrfPair,
  makeCrowd,
  residentClient,
  startSecondProcess,
  type Resident,
  type SecondProcess,
} from './concurrent-fixtures.ts';
import { migratedDatabase, npmRun, openVote, sha256, Workload, type Ack } from './backup-restore-fixtures.ts';

/**
 * Backups (issue #13, item 3): `npm run backup` run by an operator while the app, a real process of its
 * own, takes filings with photos, workflow actions, ballots and audited changes; `npm run restore` into
 * a fresh place. Everything acknowledged before the backup started is in the restored copy, photos
 * byte for byte, and the copy is whole. Restore refuses a live target, an altered backup and a target
 * that holds data (unless --force).
 */

const NOW = new Date('2026-11-20T02:00:00Z');
let dir: string;
let live: AppConfig;
let app: SecondProcess | null = null;
let w: World;
let crowd: Resident[];
let load: Workload;
let backupPath: string;
let backupStartedAt: number;
let restored: { databaseFile: string; uploadDir: string };

const envFor = (place: { databaseFile: string; uploadDir: string }) => ({
  DATABASE_URL: `file:${place.databaseFile}`,
  UPLOAD_DIR: place.uploadDir,
  BACKUP_DIR: path.join(dir, 'backups'),
  NODE_ENV: 'test',
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sanfang-backup-'));
  live = { ...loadConfig({}), databaseFile: path.join(dir, 'live', 'sanfang.db'), uploadDir: path.join(dir, 'live', 'uploads') };
  live = { ...live, logLevel: 'silent', scheduler: false };
  restored = { databaseFile: path.join(dir, 'restored', 'sanfang.db'), uploadDir: path.join(dir, 'restored', 'uploads') };
  migratedDatabase(live.databaseFile);
  const db = await openDatabase(live.databaseFile);
  let buildingId: number;
  try {
    w = await makeWorld(db);
    let building: { id: number };
    ({ building, residents: crowd } = await makeCrowd(db, w, 60, NOW));
    buildingId = building.id;
  } finally {
    await db.$disconnect();
  }
  app = await startSecondProcess(live, NOW);
  const [community, admin, committee] = await Promise.all(
    ['community', 'admin', 'committeea'].map((name) => loginAs(app!.app, name)),
  );
  const voteId = await openVote(committee!, w.estateA.id, buildingId);
  load = new Workload(app.app, w, crowd, await csrfPair(app.app), { community: community!, admin: admin! }, voteId, NOW);
}, 60_000);

afterAll(async () => {
  try {
    await app?.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('a backup taken while the app serves', () => {
  it('holds every issue, event, ballot, audit entry and photo acknowledged before it started, photos byte for byte', async () => {
    // A busy estate before the backup: 32 writes, 8 at a time.
    for (let batch = 0; batch < 4; batch += 1) await Promise.all(Array.from({ length: 8 }, () => load.one()));

    // Writers keep going while the operator runs the backup, and stop when it is done.
    let stop = false;
    const writers = Array.from({ length: 4 }, async () => {
      while (!stop) await load.one();
    });
    backupStartedAt = performance.now();
    const backup = await npmRun('backup', [], envFor(live)).finally(() => (stop = true));
    await Promise.all(writers);
    expect(backup.code, backup.stderr + backup.stdout).toBe(0);
    backupPath = /backup: done: (.+)$/m.exec(backup.stdout)![1]!;
    const before = load.acks.filter((a) => a.at < backupStartedAt);
    const during = load.acks.filter((a) => a.at >= backupStartedAt);
    // the backup really overlapped the writes
    expect(during.length).toBeGreaterThan(0);

    const restore = await npmRun('restore', [backupPath], envFor(restored));
    expect(restore.code, restore.stderr + restore.stdout).toBe(0);
    expect(restore.stdout).toContain('integrity_check ok');

    const db = new Database(restored.databaseFile, { readonly: true });
    try {
      expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      for (const ack of before) expectPresent(db, ack);
      expect(before.filter((a) => a.kind === 'issue').length).toBeGreaterThanOrEqual(8);
      for (const kind of ['accept', 'ballot', 'building'] as const) expect(before.some((a) => a.kind === kind)).toBe(true);

      // Writes answered while the backup ran are each there whole or not at all.
      for (const ack of during.filter((a) => a.kind === 'issue')) {
        const row = db.prepare('SELECT id FROM Issue WHERE submissionKey = ?').get(ack.submissionKey);
        if (row) expectPresent(db, ack);
      }
      // Every photo row in the copy has its file, with the bytes the live app stored.
      const photos = db.prepare('SELECT storageKey, sha256 FROM Attachment').all() as { storageKey: string; sha256: string }[];
      expect(photos.length).toBeGreaterThanOrEqual(before.filter((a) => a.kind === 'issue').length);
      for (const p of photos) {
        const bytes = readFileSync(path.join(restored.uploadDir, p.storageKey));
        expect(sha256(bytes)).toBe(p.sha256);
        expect(bytes.equals(readFileSync(path.join(live.uploadDir, p.storageKey)))).toBe(true);
      }
    } finally {
      db.close();
    }
  }, 60_000);

  it('records the database file’s sha256, the table counts and the migrations in its manifest', () => {
    const manifest = JSON.parse(readFileSync(path.join(backupPath, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'sanfang-backup/1', source: { provider: 'sqlite', database: live.databaseFile } });
    expect(manifest.database.sha256).toBe(sha256(readFileSync(path.join(backupPath, 'sanfang.db'))));
    expect(manifest.migrations.latest).toMatch(/^\d{14}_/);
    expect(manifest.tables.Issue).toBeGreaterThanOrEqual(8);
    expect(manifest.uploads.files).toBeGreaterThanOrEqual(manifest.tables.Attachment);
  });

  it('restore refuses while the app has the target database open', async () => {
    const res = await npmRun('restore', [backupPath, '--force'], envFor(live));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('is open in another process: stop the app');
  });

  it('the restored copy serves: a resident signed in before the backup sees their issue and its photo', async () => {
    await app!.close();
    app = await startSecondProcess({ ...live, ...restored }, NOW);
    const filed = load.acks.find((a): a is Extract<Ack, { kind: 'issue' }> => a.kind === 'issue' && a.at < backupStartedAt)!;
    const resident = crowd.find((r) => r.userId === filed.reporterId)!;
    const client = residentClient(app.app, resident, await csrfPair(app.app));
    const page = await client.get(`/issues/${filed.issueId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(filed.title);
    const photoId = Number(/\/attachments\/(\d+)/.exec(page.body)?.[1]);
    const served = await client.get(`/attachments/${photoId}`);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    await app.close();
    app = null;
  });

  it('restore refuses a backup whose database file was altered, and leaves the target untouched', async () => {
    const tampered = path.join(dir, 'tampered');
    cpSync(backupPath, tampered, { recursive: true });
    const fd = openSync(path.join(tampered, 'sanfang.db'), 'r+');
    writeSync(fd, Buffer.from('x'), 0, 1, 5000);
    closeSync(fd);
    const target = { databaseFile: path.join(dir, 'fresh', 'sanfang.db'), uploadDir: path.join(dir, 'fresh', 'uploads') };
    const res = await npmRun('restore', [tampered], envFor(target));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('does not match its manifest');
    expect(existsSync(target.databaseFile)).toBe(false);
    expect(existsSync(target.uploadDir)).toBe(false);
  });

  it('restore refuses a backup whose photo was cut short, naming the file', async () => {
    const cut = path.join(dir, 'cut');
    cpSync(backupPath, cut, { recursive: true });
    const db = new Database(path.join(cut, 'sanfang.db'), { readonly: true });
    const { storageKey } = db.prepare('SELECT storageKey FROM Attachment ORDER BY id LIMIT 1').get() as { storageKey: string };
    db.close();
    truncateSync(path.join(cut, 'uploads', storageKey), 10);
    const target = { databaseFile: path.join(dir, 'fresh2', 'sanfang.db'), uploadDir: path.join(dir, 'fresh2', 'uploads') };
    const res = await npmRun('restore', [cut], envFor(target));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`the backup lacks 1 attachment file(s) whole: ${storageKey} (10 bytes`);
    expect(existsSync(target.databaseFile)).toBe(false);
  });

  it('restore refuses a target that holds data, and with --force replaces it, keeping the old data aside', async () => {
    const before = sha256(readFileSync(restored.databaseFile));
    const refused = await npmRun('restore', [backupPath], envFor(restored));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already holds data');
    expect(sha256(readFileSync(restored.databaseFile))).toBe(before);

    const forced = await npmRun('restore', ['latest', '--force'], envFor(restored));
    expect(forced.code, forced.stderr).toBe(0);
    const kept = /previous data is kept at (.+\.db\.before-restore-\S+);/.exec(forced.stdout)?.[1];
    expect(kept && existsSync(kept)).toBe(true);
  });
});

/** The acknowledged write is in the restored database (and an issue's photo in its uploads). */
function expectPresent(db: Database.Database, ack: Ack): void {
  switch (ack.kind) {
    case 'issue': {
      const issue = db.prepare('SELECT id, reporterId, title FROM Issue WHERE submissionKey = ?').get(ack.submissionKey);
      expect(issue, `issue #${ack.issueId}`).toEqual({ id: ack.issueId, reporterId: ack.reporterId, title: ack.title });
      const events = db.prepare('SELECT action FROM IssueEvent WHERE issueId = ? ORDER BY id').all(ack.issueId);
      expect(events[0]).toEqual({ action: 'submit' });
      const files = db.prepare('SELECT storageKey, sha256 FROM Attachment WHERE issueId = ?').all(ack.issueId) as {
        storageKey: string;
        sha256: string;
      }[];
      expect(files).toHaveLength(1);
      expect(sha256(readFileSync(path.join(restored.uploadDir, files[0]!.storageKey)))).toBe(files[0]!.sha256);
      return;
    }
    case 'accept':
      expect(db.prepare("SELECT count(*) AS n FROM IssueEvent WHERE issueId = ? AND action = 'accept'").get(ack.issueId)).toEqual(
        {
          n: 1,
        },
      );
      return;
    case 'ballot':
      expect(db.prepare('SELECT choice FROM Ballot WHERE voterKey = ?').get(ack.voterKey)).toEqual({ choice: ack.choice });
      return;
    case 'building': {
      expect(
        db
          .prepare("SELECT count(*) AS n FROM AuditEntry WHERE action = 'building.create' AND afterJson LIKE ?")
          .get(`%${ack.name}%`),
      ).toEqual({
        n: 1,
      });
      expect(db.prepare('SELECT count(*) AS n FROM Building WHERE name = ?').get(ack.name)).toEqual({ n: 1 });
      return;
    }
  }
}

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgProgram } from '../../src/ops/postgres-backup.ts';
import { ROOT, npmRun, sha256, startThrowawayCluster, type ThrowawayCluster } from './backup-restore-fixtures.ts';

/**
 * Backups on PostgreSQL (issue #13, item 3): `npm run backup` with a postgresql:// DATABASE_URL takes
 * `pg_dump -Fc` while rows keep arriving, plus the uploads; `npm run restore` puts it into another
 * database with `pg_restore --clean --if-exists`. The tables are small and made by hand (the backup
 * copies whole databases, whatever their schema), in a throwaway cluster of the test's own.
 */

let cluster: ThrowawayCluster;
let dir: string;
let backupPath: string;
const uploads = () => path.join(dir, 'uploads');
const env = (database: string, uploadDir: string) => ({
  DATABASE_URL: cluster.url(database),
  UPLOAD_DIR: uploadDir,
  BACKUP_DIR: path.join(dir, 'backups'),
  NODE_ENV: 'test',
});
/** The code's PostgreSQL migrations, recorded as applied: the backup is of this version. */
const migrations = () => {
  const folder = path.join(ROOT, 'prisma/postgresql/migrations');
  return existsSync(folder)
    ? readdirSync(folder, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
    : [];
};

beforeAll(() => {
  cluster = startThrowawayCluster();
  dir = mkdtempSync(path.join(tmpdir(), 'sanfang-backup-pgfiles-'));
  cluster.sql('postgres', 'CREATE DATABASE live; CREATE DATABASE restored; CREATE DATABASE fresh;');
  cluster.sql(
    'live',
    `CREATE TABLE "Issue" (id serial PRIMARY KEY, title text NOT NULL);
     CREATE TABLE "Attachment" (id serial PRIMARY KEY, "issueId" int NOT NULL REFERENCES "Issue"(id), "storageKey" text UNIQUE NOT NULL, "sizeBytes" int NOT NULL);
     CREATE TABLE "_prisma_migrations" (id text PRIMARY KEY, migration_name text NOT NULL, finished_at timestamptz, rolled_back_at timestamptz);
     ${migrations()
       .map((name, i) => `INSERT INTO "_prisma_migrations" VALUES ('m${i}', '${name}', now(), NULL);`)
       .join('\n')}`,
  );
  // 20 issues with a photo each, acknowledged before the backup
  mkdirSync(path.join(uploads(), '2026-11-30'), { recursive: true });
  for (let i = 1; i <= 20; i += 1) {
    writeFileSync(path.join(uploads(), '2026-11-30', `photo${i}`), `photo bytes ${i}`);
    cluster.sql(
      'live',
      `INSERT INTO "Issue" (title) VALUES ('诉求 ${i}'); INSERT INTO "Attachment" ("issueId", "storageKey", "sizeBytes") VALUES (${i}, '2026-11-30/photo${i}', ${`photo bytes ${i}`.length});`,
    );
  }
}, 60_000);

afterAll(() => {
  try {
    cluster?.stop();
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

/** A psql session inserting an issue every few milliseconds until its input ends. */
function steadyWriter(): ChildProcessWithoutNullStreams {
  const writer = spawn(pgProgram('psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', cluster.url('live')]);
  const tick = setInterval(
    () => writer.stdin.write(`INSERT INTO "Issue" (title) VALUES ('写入中'); SELECT pg_sleep(0.002);\n`),
    5,
  );
  writer.once('close', () => clearInterval(tick));
  return writer;
}

describe('a PostgreSQL backup', () => {
  it('is a pg_dump taken while rows keep arriving, whose manifest counts are exactly the rows in the dump', async () => {
    const writer = steadyWriter();
    // the writer is under way before the backup starts
    while (Number(cluster.sql('live', 'SELECT count(*) FROM "Issue"')) <= 20)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const backup = await npmRun('backup', [], env('live', uploads()));
    writer.stdin.end();
    await new Promise((resolve) => writer.once('close', resolve));
    expect(backup.code, backup.stderr + backup.stdout).toBe(0);
    backupPath = /backup: done: (.+)$/m.exec(backup.stdout)![1]!;

    const manifest = JSON.parse(readFileSync(path.join(backupPath, 'manifest.json'), 'utf8'));
    expect(manifest.source.provider).toBe('postgresql');
    expect(manifest.database.file).toBe('sanfang.pgdump');
    expect(readFileSync(path.join(backupPath, 'sanfang.pgdump')).subarray(0, 5).toString()).toBe('PGDMP');
    expect(manifest.database.sha256).toBe(sha256(readFileSync(path.join(backupPath, 'sanfang.pgdump'))));
    expect(manifest.tables.Attachment).toBe(20);
    expect(manifest.tables.Issue).toBeGreaterThan(20);
    expect(manifest.migrations.applied).toEqual(migrations().sort());
    expect(manifest.uploads.files).toBe(20);
  }, 60_000);

  it('restores into an empty database with every row and photo acknowledged before it, counts checked', async () => {
    const target = path.join(dir, 'restored-uploads');
    const restore = await npmRun('restore', [backupPath], env('restored', target));
    expect(restore.code, restore.stderr + restore.stdout).toBe(0);
    expect(restore.stdout).toContain('table counts match the manifest');

    const titles = cluster.sql('restored', 'SELECT title FROM "Issue" WHERE id <= 20 ORDER BY id').trim().split('\n');
    expect(titles).toEqual(Array.from({ length: 20 }, (_, i) => `诉求 ${i + 1}`));
    const manifest = JSON.parse(readFileSync(path.join(backupPath, 'manifest.json'), 'utf8'));
    expect(Number(cluster.sql('restored', 'SELECT count(*) FROM "Issue"'))).toBe(manifest.tables.Issue);
    for (const key of cluster.sql('restored', 'SELECT "storageKey" FROM "Attachment"').trim().split('\n')) {
      expect(readFileSync(path.join(target, key)).equals(readFileSync(path.join(uploads(), key)))).toBe(true);
    }
  });

  it('restore refuses while another session is connected to the target database', async () => {
    const holder = spawn(pgProgram('psql'), ['-X', '-q', '-d', cluster.url('fresh')]);
    holder.stdin.write("SELECT 'connected';\n");
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    try {
      const res = await npmRun('restore', [backupPath], env('fresh', path.join(dir, 'fresh-uploads')));
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('other session(s) are connected');
    } finally {
      holder.stdin.end();
      await new Promise((resolve) => holder.once('close', resolve));
    }
  });

  it('restore refuses a dump altered since the backup, and a target that holds data unless --force', async () => {
    const tampered = path.join(dir, 'tampered');
    cpSync(backupPath, tampered, { recursive: true });
    const fd = openSync(path.join(tampered, 'sanfang.pgdump'), 'r+');
    writeSync(fd, Buffer.from('x'), 0, 1, 100);
    closeSync(fd);
    const altered = await npmRun('restore', [tampered], env('fresh', path.join(dir, 'fresh-uploads')));
    expect(altered.code).toBe(1);
    expect(altered.stderr).toContain('does not match its manifest');
    expect(cluster.sql('fresh', "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").trim()).toBe('0');

    const target = path.join(dir, 'restored-uploads');
    cluster.sql('restored', `INSERT INTO "Issue" (title) VALUES ('恢复后新写的')`);
    const refused = await npmRun('restore', [backupPath], env('restored', target));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already holds data');

    const forced = await npmRun('restore', [backupPath, '--force'], env('restored', target));
    expect(forced.code, forced.stderr + forced.stdout).toBe(0);
    expect(cluster.sql('restored', `SELECT count(*) FROM "Issue" WHERE title = '恢复后新写的'`).trim()).toBe('0');
  });
});

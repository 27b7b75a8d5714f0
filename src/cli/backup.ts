import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { MANIFEST_FILE, MANIFEST_FORMAT, UPLOADS_FOLDER, type Manifest } from '../ops/backup-manifest.ts';
import {
  completeBackups,
  copyUploads,
  fileSize,
  freeBackupPath,
  partialPath,
  pruneBackups,
  removeAbandonedPartials,
  sha256File,
  unmatchedFiles,
  type StoredFileRow,
} from '../ops/backup-files.ts';
import { loadEnvFile } from '../config.ts';
import { loadOpsConfig, withoutPassword } from '../ops/ops-config.ts';
import { dumpPostgres } from '../ops/postgres-backup.ts';
import { inspectSqlite, snapshotSqlite } from '../ops/sqlite-backup.ts';

/**
 * `npm run backup [-- --keep N]`: a consistent backup while the app serves, into a new folder
 * BACKUP_DIR/sanfang-<UTC time>/ holding the database (sanfang.db, or sanfang.pgdump from pg_dump -Fc),
 * uploads/ and manifest.json. The database is copied first, as of one moment; the uploads after it. A
 * photo is written before the row that names it commits, so every row in the copy finds its file; files
 * of later uploads may come along too, which is harmless (no row in this backup names them). The folder
 * is written under a hidden .partial- name and renamed when complete, so a backup that was interrupted
 * is never mistaken for one. With --keep N (or BACKUP_KEEP) only the N newest backups are kept.
 */

const USAGE = `usage: npm run backup [-- --keep N]
  Writes BACKUP_DIR/sanfang-<time>/ (BACKUP_DIR defaults to ./data/backups).
  --keep N   afterwards delete all but the N newest backups in BACKUP_DIR (default: BACKUP_KEEP, or keep all)`;

const say = (line: string) => console.log(`backup: ${line}`);

function parseKeep(args: string[]): number | null {
  const at = args.indexOf('--keep');
  const raw = at >= 0 ? args[at + 1] : process.env.BACKUP_KEEP;
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--keep (or BACKUP_KEEP) must be a whole number of at least 1, got "${raw}"`);
  return n;
}

class UsageError extends Error {}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = args.filter((a, i) => a !== '--keep' && args[i - 1] !== '--keep');
  if (unknown.length > 0) throw new UsageError(`unexpected argument "${unknown[0]}"`);
  const keep = parseKeep(args);
  // .env beside package.json, the environment winning over it, as for the app (src/config.ts)
  loadEnvFile();
  const config = loadOpsConfig();
  const { database } = config;
  if (!path.relative(config.uploadDir, config.backupDir).startsWith('..')) {
    throw new Error(
      `BACKUP_DIR (${config.backupDir}) must not lie inside UPLOAD_DIR (${config.uploadDir}): each backup would copy the ones before it`,
    );
  }

  await mkdir(config.backupDir, { recursive: true });
  await removeAbandonedPartials(config.backupDir);
  const previous = (await completeBackups(config.backupDir)).at(-1) ?? null;
  const createdAt = new Date();
  const finalDir = freeBackupPath(config.backupDir, createdAt);
  const workDir = partialPath(config.backupDir, path.basename(finalDir));
  await mkdir(workDir, { recursive: true });
  say(`writing ${finalDir}`);

  try {
    const dbName = database.provider === 'sqlite' ? 'sanfang.db' : 'sanfang.pgdump';
    const dbFile = path.join(workDir, dbName);
    let facts: { tables: Record<string, number>; migrations: string[] | null; storedFiles: StoredFileRow[] | null };
    if (database.provider === 'sqlite') {
      await snapshotSqlite(database.file, dbFile);
      const checked = inspectSqlite(dbFile);
      if (checked.integrity.join() !== 'ok') {
        throw new Error(`the copy failed SQLite's integrity check: ${checked.integrity.slice(0, 5).join('; ')}`);
      }
      facts = checked;
    } else {
      facts = await dumpPostgres(database.url, dbFile);
    }
    const sha256 = await sha256File(dbFile);
    const bytes = fileSize(dbFile);
    const rows = Object.values(facts.tables).reduce((a, b) => a + b, 0);
    const latest = facts.migrations?.at(-1) ?? null;
    say(
      `database ${mb(bytes)}, ${rows} rows in ${Object.keys(facts.tables).length} tables, migration ${latest ?? 'not recorded'} (sha256 ${sha256.slice(0, 12)}…)`,
    );

    const uploadsDir = path.join(workDir, UPLOADS_FOLDER);
    const uploads = await copyUploads(config.uploadDir, uploadsDir, previous ? path.join(previous, UPLOADS_FOLDER) : null);
    say(`uploads ${uploads.files} files, ${mb(uploads.bytes)} (${uploads.linked} linked from the previous backup)`);
    const missing = await unmatchedFiles(uploadsDir, facts.storedFiles);

    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      createdAt: createdAt.toISOString(),
      finishedAt: new Date().toISOString(),
      source: {
        provider: database.provider,
        host: hostname(),
        database: database.provider === 'sqlite' ? database.file : withoutPassword(database.url),
        uploadDir: config.uploadDir,
      },
      app: { name: pkg.name, version: pkg.version },
      migrations: { applied: facts.migrations, latest },
      database: { file: dbName, bytes, sha256 },
      tables: facts.tables,
      uploads: { files: uploads.files, bytes: uploads.bytes, linkedFromPrevious: uploads.linked },
    };
    await writeFile(path.join(workDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    await rename(workDir, finalDir);
    say(`done: ${finalDir}`);

    if (keep !== null) {
      const removed = await pruneBackups(config.backupDir, keep);
      if (removed.length > 0) say(`removed ${removed.length} older backup(s), keeping the ${keep} newest`);
    }
    if (missing.length > 0) {
      console.error(
        `backup: WARNING: ${missing.length} attachment file(s) named in the database are missing or damaged in UPLOAD_DIR (${config.uploadDir}), and so in this backup: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
      );
      return 1;
    }
    return 0;
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`backup: ${error.message}\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(`backup: FAILED: ${(error as Error).message}`);
      process.exitCode = 1;
    }
  },
);

import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  UPLOADS_FOLDER,
  codeMigrations,
  countMismatches,
  migrationPlan,
  readManifest,
  type Manifest,
  type MigrationPlan,
} from '../ops/backup-manifest.ts';
import { completeBackups, copyUploads, filesUnder, sha256File, stamp, unmatchedFiles } from '../ops/backup-files.ts';
import { loadEnvFile } from '../config.ts';
import { loadOpsConfig, withoutPassword, type OpsConfig } from '../ops/ops-config.ts';
import { checkDump, inspectPostgres, otherSessions, postgresHasRows, restorePostgres } from '../ops/postgres-backup.ts';
import { migrateSqliteFile, setAside } from '../ops/restore-steps.ts';
import { inspectSqlite, sqliteHasRows, sqliteInUse } from '../ops/sqlite-backup.ts';

/**
 * `npm run restore -- <backup folder | latest> [--force]`: puts a backup in the place DATABASE_URL and
 * UPLOAD_DIR name. The app must be stopped: restore refuses while another process has the SQLite file
 * open, or while other sessions are connected to the PostgreSQL database. It refuses a target that
 * holds data unless --force (SQLite: the old database and uploads are then set aside beside it, not
 * deleted). Before the target is touched it checks the backup: the manifest, the database file's
 * sha256, SQLite's integrity check, the table counts, a file for every attachment, and that the backup
 * is not from a newer version. A backup from before some of this code's migrations is brought up to
 * date as `prisma migrate deploy` would (SQLite: run here; PostgreSQL: the command is printed).
 */

const USAGE = `usage: npm run restore -- <backup folder | latest> [--force]
  Restores into DATABASE_URL and UPLOAD_DIR. Stop the app first.
  latest    the newest backup in BACKUP_DIR
  --force   replace a target that already holds data`;

/** Each provider's migrations, as its migrator applies them (PostgreSQL's are generated from the SQLite schema). */
const MIGRATIONS = {
  sqlite: path.resolve(import.meta.dirname, '../../prisma/migrations'),
  postgresql: path.resolve(import.meta.dirname, '../../prisma/postgresql/migrations'),
};

const say = (line: string) => console.log(`restore: ${line}`);

class Refused extends Error {}

async function main(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) return console.log(USAGE);
  const force = args.includes('--force');
  const positional = args.filter((a) => a !== '--force');
  if (positional.length !== 1 || positional[0]!.startsWith('--')) throw new Refused(`name one backup folder\n${USAGE}`);
  // .env beside package.json, the environment winning over it, as for the app (src/config.ts)
  loadEnvFile();
  const config = loadOpsConfig();
  const backupDir = await resolveBackup(positional[0]!, config.backupDir);
  say(`checking ${backupDir}`);

  const manifest = readManifest(backupDir);
  if (manifest.source.provider !== config.database.provider) {
    throw new Refused(
      `this is a ${manifest.source.provider} backup and DATABASE_URL names a ${config.database.provider} database; restore it into the same kind`,
    );
  }
  const plan = migrationPlan(manifest.migrations.applied, codeMigrations(MIGRATIONS[manifest.source.provider]));
  if (plan.kind === 'newer') {
    throw new Refused(
      `the backup was taken by a newer version of Sanfang (migrations unknown to this code: ${plan.unknown.join(', ')}); restore it with that version`,
    );
  }
  const dbFile = path.join(backupDir, manifest.database.file);
  const uploads = path.join(backupDir, UPLOADS_FOLDER);
  if (!existsSync(dbFile) || !existsSync(uploads))
    throw new Refused(`the backup is incomplete: ${manifest.database.file} or uploads/ is missing`);
  const sha256 = await sha256File(dbFile);
  if (sha256 !== manifest.database.sha256) {
    throw new Refused(
      `${manifest.database.file} does not match its manifest (sha256 ${sha256.slice(0, 12)}…, expected ${manifest.database.sha256.slice(0, 12)}…): the backup is damaged or was altered; use another one`,
    );
  }
  say(
    `backup of ${manifest.createdAt} from ${manifest.source.host}: sha256 ok, ${(await filesUnder(uploads)).length} upload files`,
  );

  if (config.database.provider === 'sqlite') {
    await restoreSqlite(config, config.database.file, manifest, dbFile, uploads, plan, force);
  } else {
    await restorePg(config, config.database.url, manifest, dbFile, uploads, plan, force);
  }
}

/** A folder path, a backup's name in BACKUP_DIR, or `latest`. */
async function resolveBackup(arg: string, backupDir: string): Promise<string> {
  if (arg === 'latest') {
    const newest = (await completeBackups(backupDir)).at(-1);
    if (!newest) throw new Refused(`there is no complete backup in ${backupDir}`);
    return newest;
  }
  for (const candidate of [path.resolve(arg), path.join(backupDir, arg)]) {
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
  }
  throw new Refused(`no backup folder "${arg}" (looked in the working directory and in ${backupDir})`);
}

function refuseUnlessEmptyOrForced(hasData: boolean, where: string, force: boolean): void {
  if (hasData && !force) {
    throw new Refused(`${where} already holds data; restore into an empty place, or add --force to replace it`);
  }
}

async function restoreSqlite(
  config: OpsConfig,
  target: string,
  manifest: Manifest,
  dbFile: string,
  uploads: string,
  plan: MigrationPlan,
  force: boolean,
): Promise<void> {
  if (sqliteInUse(target)) {
    throw new Refused(`${target} is open in another process: stop the app (and any backup running) before restoring`);
  }
  const dbHasData = sqliteHasRows(target);
  const uploadsHaveFiles = (await filesUnder(config.uploadDir)).length > 0;
  refuseUnlessEmptyOrForced(dbHasData || uploadsHaveFiles, `the target (${target}, ${config.uploadDir})`, force);

  await mkdir(path.dirname(target), { recursive: true });
  const incoming = `${target}.restoring-${process.pid}`;
  const incomingUploads = `${config.uploadDir}.restoring-${process.pid}`;
  try {
    await copyFile(dbFile, incoming);
    const facts = inspectSqlite(incoming);
    if (facts.integrity.join() !== 'ok')
      throw new Refused(`the backup's database fails SQLite's integrity check: ${facts.integrity.slice(0, 5).join('; ')}`);
    if (facts.foreignKeyProblems > 0)
      throw new Refused(`the backup's database has ${facts.foreignKeyProblems} rows pointing at missing rows`);
    const mismatches = countMismatches(manifest.tables, facts.tables);
    if (mismatches.length > 0)
      throw new Refused(`the backup's database does not hold what its manifest says: ${mismatches.slice(0, 5).join('; ')}`);
    const missing = await unmatchedFiles(uploads, facts.storedFiles);
    if (missing.length > 0)
      throw new Refused(`the backup lacks ${missing.length} attachment file(s) whole: ${missing.slice(0, 5).join(', ')}`);
    say('integrity_check ok, foreign keys ok, table counts match the manifest, every attachment has its file');

    if (plan.kind === 'older') {
      say(`the backup predates ${plan.pending.length} migration(s) of this code; applying them (prisma migrate deploy)`);
      await migrateSqliteFile(incoming);
    }
    await copyUploads(uploads, incomingUploads, null);

    const when = stamp(new Date());
    const asideDb = await setAside(target, ['', '-wal', '-shm', '-journal'], `.before-restore-${when}`, dbHasData);
    const asideUploads = await setAside(config.uploadDir, [''], `.before-restore-${when}`, uploadsHaveFiles);
    await rename(incoming, target);
    await rename(incomingUploads, config.uploadDir);
    say(`restored ${target} and ${config.uploadDir}`);
    for (const kept of [...asideDb, ...asideUploads]) say(`the previous data is kept at ${kept}; delete it once satisfied`);
    afterMigrations(plan);
  } finally {
    await rm(incoming, { force: true });
    await rm(incomingUploads, { recursive: true, force: true });
  }
}

async function restorePg(
  config: OpsConfig,
  url: string,
  manifest: Manifest,
  dumpFile: string,
  uploads: string,
  plan: MigrationPlan,
  force: boolean,
): Promise<void> {
  const others = await otherSessions(url);
  if (others.length > 0) {
    throw new Refused(
      `${others.length} other session(s) are connected to ${withoutPassword(url)} (${others.slice(0, 5).join('; ')}): stop the app and other clients before restoring`,
    );
  }
  const uploadsHaveFiles = (await filesUnder(config.uploadDir)).length > 0;
  const targetHasData = (await postgresHasRows(url)) || uploadsHaveFiles;
  refuseUnlessEmptyOrForced(targetHasData, `the target (${withoutPassword(url)}, ${config.uploadDir})`, force);
  await checkDump(dumpFile);

  const incomingUploads = `${config.uploadDir}.restoring-${process.pid}`;
  try {
    await copyUploads(uploads, incomingUploads, null);
    await restorePostgres(url, dumpFile);
    const facts = await inspectPostgres(url);
    const mismatches = countMismatches(manifest.tables, facts.tables);
    const missing = await unmatchedFiles(uploads, facts.storedFiles);
    if (mismatches.length > 0 || missing.length > 0) {
      throw new Error(`the restored database does not match the backup: ${[...mismatches, ...missing].slice(0, 5).join('; ')}`);
    }
    say('pg_restore done, table counts match the manifest, every attachment has its file');
    const aside = await setAside(config.uploadDir, [''], `.before-restore-${stamp(new Date())}`, uploadsHaveFiles);
    await mkdir(path.dirname(config.uploadDir), { recursive: true });
    await rename(incomingUploads, config.uploadDir);
    say(`restored ${withoutPassword(url)} and ${config.uploadDir}`);
    for (const kept of aside) say(`the previous uploads are kept at ${kept}; delete them once satisfied`);
    if (plan.kind === 'older') {
      say(
        `the backup predates ${plan.pending.length} migration(s) of this code (${plan.pending.join(', ')}): npm start applies them before it serves`,
      );
    }
    afterMigrations(plan);
  } finally {
    await rm(incomingUploads, { recursive: true, force: true });
  }
}

function afterMigrations(plan: MigrationPlan): void {
  if (plan.kind === 'unrecorded') {
    say(
      'the backup does not record its migrations (its database was not made by prisma migrate deploy); check the schema before starting',
    );
  }
  say('done. Start the app.');
}

main(process.argv.slice(2)).then(
  () => {},
  (error: unknown) => {
    console.error(`restore: ${error instanceof Refused ? 'REFUSED' : 'FAILED'}: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);

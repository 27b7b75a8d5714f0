import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MANIFEST_FILE } from './backup-manifest.ts';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Every regular file under `dir`, as paths relative to it ('/'-separated); none when it does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

export interface CopyReport {
  files: number;
  bytes: number;
  /** Files hard-linked from the previous backup instead of copied. */
  linked: number;
}

/**
 * Copies the upload folder. Uploads are written once under a random name and never changed, so a file
 * the previous backup already holds with the same name and size is the same file: it is hard-linked
 * from there (an hourly backup then costs only the new photos), and copied when the link cannot be made
 * (another file system). A file gone between listing and copying was a failed upload's, removed again by
 * the app: no row points at it, and it is left out.
 */
export async function copyUploads(from: string, to: string, previous: string | null): Promise<CopyReport> {
  const report: CopyReport = { files: 0, bytes: 0, linked: 0 };
  await mkdir(to, { recursive: true });
  const made = new Set<string>();
  for (const rel of await filesUnder(from)) {
    const source = path.join(from, rel);
    const target = path.join(to, rel);
    const folder = path.dirname(target);
    if (!made.has(folder)) {
      await mkdir(folder, { recursive: true });
      made.add(folder);
    }
    let size: number;
    try {
      size = (await stat(source)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if (previous && (await sameSize(path.join(previous, rel), size)) && (await tryLink(path.join(previous, rel), target))) {
      report.linked += 1;
    } else {
      try {
        await copyFile(source, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
    }
    report.files += 1;
    report.bytes += size;
  }
  return report;
}

async function sameSize(file: string, size: number): Promise<boolean> {
  try {
    return (await stat(file)).size === size;
  } catch {
    return false;
  }
}

async function tryLink(existing: string, target: string): Promise<boolean> {
  try {
    await link(existing, target);
    return true;
  } catch {
    return false;
  }
}

/** The name of a backup taken at `at`: sanfang-20261130T160112Z (sorts by time, no colons). */
export function backupName(at: Date): string {
  return `sanfang-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}`;
}

const BACKUP_NAME = /^sanfang-\d{8}T\d{6}Z(-\d+)?$/;

/** The complete backups in `dir` (a folder of our name with a manifest), oldest first. */
export async function completeBackups(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && BACKUP_NAME.test(e.name) && existsSync(path.join(dir, e.name, MANIFEST_FILE)))
    .map((e) => e.name);
  // -2, -3 … are later backups within the same second
  const order = (name: string) => [name.slice(0, 24), Number(name.slice(25) || '1')] as const;
  return names
    .sort((a, b) => {
      const [ta, na] = order(a);
      const [tb, nb] = order(b);
      return ta === tb ? na - nb : ta < tb ? -1 : 1;
    })
    .map((name) => path.join(dir, name));
}

/** A name for a new backup in `dir` that no backup has yet. */
export function freeBackupPath(dir: string, at: Date): string {
  const base = path.join(dir, backupName(at));
  let candidate = base;
  for (let n = 2; existsSync(candidate); n += 1) candidate = `${base}-${n}`;
  return candidate;
}

/** Deletes all but the `keep` newest complete backups; returns what it deleted. Nothing else in `dir` is touched. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const all = await completeBackups(dir);
  const doomed = all.slice(0, Math.max(0, all.length - keep));
  for (const folder of doomed) await rm(folder, { recursive: true, force: true });
  return doomed;
}

/** The folder a backup is written into before it is complete: `.partial-<pid>-<name>`. */
export function partialPath(dir: string, name: string): string {
  return path.join(dir, `.partial-${process.pid}-${name}`);
}

/** Removes the partial folders of backups whose process is gone (killed, or the machine went down). */
export async function removeAbandonedPartials(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const m = /^\.partial-(\d+)-/.exec(entry.name);
    if (!entry.isDirectory() || !m) continue;
    if (!processAlive(Number(m[1]))) await rm(path.join(dir, entry.name), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** An attachment row's file, as the database records it. */
export interface StoredFileRow {
  storageKey: string;
  sizeBytes: number;
}

/**
 * The rows whose file under `dir` is missing or of another size than recorded (a truncated copy), each
 * described for the operator. Sizes, not hashes: a stat per file keeps this quick for a city's photos.
 */
export async function unmatchedFiles(dir: string, rows: StoredFileRow[] | null): Promise<string[]> {
  const problems: string[] = [];
  for (const row of rows ?? []) {
    const size = await stat(path.join(dir, row.storageKey)).then(
      (s) => s.size,
      () => null,
    );
    if (size === null) problems.push(`${row.storageKey} (missing)`);
    else if (size !== row.sizeBytes) problems.push(`${row.storageKey} (${size} bytes, the row says ${row.sizeBytes})`);
  }
  return problems;
}

export function fileSize(file: string): number {
  return statSync(file).size;
}

/** A stamp for folders set aside by a forced restore: 20261130T160112Z. */
export function stamp(at: Date): string {
  return backupName(at).slice('sanfang-'.length);
}

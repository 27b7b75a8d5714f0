import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Applies this code's pending migrations to a restored SQLite file the way `npm start` does before it
 * serves (`prisma migrate deploy`, through the same prisma.config.ts), before the file is put in place:
 * if a migration fails, the target is still untouched.
 */
export function migrateSqliteFile(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'prisma'), ['migrate', 'deploy'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${file}` },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed (exit ${code})`))));
  });
}

/**
 * Moves `base` + each suffix that exists out of the way: renamed to `base` + tag + suffix when `keep`
 * (a forced restore keeps what it replaced), deleted otherwise (an empty database or folder). A SQLite
 * file's -wal and -shm go with it: left beside the restored file, SQLite would replay the old WAL into it.
 */
export async function setAside(base: string, suffixes: string[], tag: string, keep: boolean): Promise<string[]> {
  const kept: string[] = [];
  for (const suffix of suffixes) {
    const file = base + suffix;
    if (!existsSync(file)) continue;
    if (keep) {
      await rename(file, base + tag + suffix);
      kept.push(base + tag + suffix);
    } else {
      await rm(file, { recursive: true, force: true });
    }
  }
  return kept;
}

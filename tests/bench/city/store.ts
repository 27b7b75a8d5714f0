import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** How Prisma's SQLite adapter stores a DateTime (src/plugins/sql.ts, sqlTime): ISO text with "+00:00". */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

export type Value = string | number | null;
export type Row = Record<string, Value>;

const REPO = path.resolve(import.meta.dirname, '../../..');
const COMMIT_EVERY = 400_000;

/**
 * Deletes the file and makes the database the way the app's own is made: `prisma migrate deploy` with
 * DATABASE_URL pointing at it, so `_prisma_migrations` is there and the server starts on it as usual.
 */
export function migrateFresh(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    execFileSync('npx', ['prisma', 'migrate', 'deploy'], {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: `file:${file}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    process.stderr.write(`${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
    throw new Error('prisma migrate deploy failed');
  }
}

/**
 * Bulk writes through better-sqlite3 prepared statements in big transactions. While generating, the
 * journal and syncing are off and the secondary indexes are dropped (each is rebuilt at the end from the
 * very SQL the migrations created it with: one sort instead of millions of random B-tree inserts).
 */
export class Store {
  readonly db: Database.Database;
  private readonly counts = new Map<string, { n: number }>();
  private readonly indexes: { name: string; sql: string }[];
  private pending = 0;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.pragma('foreign_keys = OFF');
    this.db.pragma('temp_store = MEMORY');
    this.db.pragma('cache_size = -2000000');
    this.db.pragma('threads = 2');
    this.indexes = this.db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
      .all() as { name: string; sql: string }[];
    for (const index of this.indexes) this.db.exec(`DROP INDEX "${index.name}"`);
    this.db.exec('BEGIN');
  }

  /** A writer for one table: call it with a row object; every column listed must be given (null for none). */
  table(name: string, columns: readonly string[]): (row: Row) => void {
    const stmt = this.db.prepare(
      `INSERT INTO "${name}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
    );
    let count = this.counts.get(name);
    if (!count) {
      count = { n: 0 };
      this.counts.set(name, count);
    }
    const counter = count;
    return (row: Row) => {
      stmt.run(row);
      counter.n += 1;
      if (++this.pending >= COMMIT_EVERY) {
        this.db.exec('COMMIT; BEGIN');
        this.pending = 0;
      }
    };
  }

  /** Rows written so far, per table, largest first. */
  rowCounts(): [string, number][] {
    return [...this.counts].map(([name, c]): [string, number] => [name, c.n]).sort((a, b) => b[1] - a[1]);
  }

  rows(table: string): number {
    return this.counts.get(table)?.n ?? 0;
  }

  /** Commits, rebuilds the indexes, switches to WAL (as the app runs it), and leaves fresh statistics. */
  finish(log: (message: string) => void): void {
    this.db.exec('COMMIT');
    let t = Date.now();
    for (const index of this.indexes) this.db.exec(index.sql);
    log(`indexes rebuilt (${this.indexes.length}) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    // The votes' running tallies (VoteCount), recounted from the rows by the same statement the
    // migration that introduced them backfills with, so the vote page reads its counts, not 3,000 rows.
    this.db.exec('DELETE FROM "VoteCount"');
    this.db.exec(voteCountBackfill());
    log(`vote counts recounted in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    this.db.pragma('locking_mode = NORMAL');
    this.db.pragma('journal_mode = WAL');
    this.db.exec('ANALYZE');
    this.db.pragma('optimize');
    log(`ANALYZE and optimize in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }

  close(): void {
    this.db.close();
  }
}

/** The INSERT … SELECT that recounts every vote's VoteCount row, read from its migration. */
function voteCountBackfill(): string {
  const file = path.join(REPO, 'prisma/migrations/20261130150200_dashboard_notice_vote_indexes/migration.sql');
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('INSERT INTO "VoteCount"');
  const end = text.indexOf(';', start);
  if (start < 0 || end < 0) throw new Error(`no VoteCount backfill in ${file}`);
  return text.slice(start, end + 1);
}

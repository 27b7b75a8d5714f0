/**
 * The database one bench run serves from: a copy of the dataset made for the run (the SQLite file copied,
 * or a PostgreSQL database made from the loaded city as a template), migrated as `npm start` migrates,
 * and read again after the server stops to count the ballots.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migratePostgresql } from '../../../src/cli/migrate-postgresql.ts';
import type { BenchOptions } from './args.ts';
import { countBallots, type BallotCount } from './ballots.ts';
import { ROOT } from './processes.ts';
import { countBallotsPostgresql, describeServer, ensureCluster, quoteIdent, withClient } from './postgres.ts';
import type { Manifest } from './types.ts';

export interface Dataset {
  /** DATABASE_URL for the app. */
  url: string;
  /** What the report says it ran on: the engine, its version and durability settings, and where. */
  label: string;
  /** Brings the copy up to date as `npm start` would first; says what it did. */
  migrate(): Promise<string>;
  countBallots(proposalId: number, voterKeys: string[]): Promise<BallotCount>;
  /** Removes the run's copy unless `keep`; stops a PostgreSQL server the run started. */
  close(keep: boolean): Promise<void>;
}

export async function openDataset(
  m: Manifest,
  options: BenchOptions,
  work: string,
  log: (message: string) => void,
): Promise<Dataset> {
  return options.postgresql ? postgresqlDataset(m, options, log) : sqliteDataset(m, options, work, log);
}

/** The dataset's file, copied so that the bench's writes never grow the generated one (the copy goes with `work`). */
function sqliteDataset(m: Manifest, options: BenchOptions, work: string, log: (message: string) => void): Dataset {
  let file = m.db;
  if (!options.inPlace) {
    file = path.join(work, path.basename(m.db));
    log(`copying ${m.db} to ${file}`);
    copyFileSync(m.db, file);
    if (existsSync(`${m.db}-wal`)) copyFileSync(`${m.db}-wal`, `${file}-wal`);
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const version = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  return {
    url: `file:${file}`,
    label: `SQLite ${version} (journal_mode WAL, synchronous FULL, as the app opens it)${options.inPlace ? ', in place' : ''}`,
    migrate: async () => migrateSqlite(file),
    countBallots: async (proposalId, voterKeys) => countBallots(file, proposalId, voterKeys),
    close: async () => {},
  };
}

/** `prisma migrate deploy`, as `npm start` runs before the server: a dataset older than a migration gets it. */
function migrateSqlite(databaseFile: string): string {
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  const tracked = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
  db.close();
  // A database made by applying the migration files directly has no record of them for Prisma to read.
  if (!tracked) return 'not checked (the dataset has no _prisma_migrations table)';
  const res = spawnSync('npx', ['prisma', 'migrate', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${databaseFile}` },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`prisma migrate deploy failed:\n${res.stdout}\n${res.stderr}`);
  return /No pending migrations/.test(res.stdout) ? 'no pending migrations' : 'applied pending migrations';
}

/**
 * A database of its own for the run, `CREATE DATABASE … TEMPLATE city_<size>` (a file copy of the loaded
 * city), in the kept cluster, started if it is not running. It is dropped afterwards unless kept.
 */
async function postgresqlDataset(m: Manifest, options: BenchOptions, log: (message: string) => void): Promise<Dataset> {
  if (!m.postgresql) {
    throw new Error(`The ${m.size} dataset is not loaded into PostgreSQL: npm run bench:data -- --size ${m.size} --postgresql`);
  }
  const city = m.postgresql.database;
  const cluster = await ensureCluster(log);
  try {
    const found = await withClient(cluster.url('postgres'), (client) =>
      client.query('SELECT 1 FROM pg_database WHERE datname = $1', [city]),
    );
    if (found.rowCount === 0) throw new Error(`No database ${city} in ${cluster.dataDir}: run bench:data --postgresql again.`);
    const database = options.inPlace ? city : `run_${city}_${process.pid}`;
    if (!options.inPlace) {
      const t = Date.now();
      await cluster.admin(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
      await cluster.admin(`CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(city)}`);
      log(`created ${database} from ${city} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    const url = cluster.url(database);
    const server = await describeServer(url);
    return {
      url,
      label: `${server}, database ${database}${options.inPlace ? ' (in place)' : ` (a copy of ${city})`}`,
      async migrate() {
        const applied = await migratePostgresql(url);
        return applied.length === 0 ? 'no pending migrations' : `applied ${applied.join(', ')}`;
      },
      countBallots: (proposalId, voterKeys) => countBallotsPostgresql(url, proposalId, voterKeys),
      async close(keep) {
        try {
          if (options.inPlace) return;
          if (keep) log(`kept the database ${database} in ${cluster.dataDir}`);
          else await cluster.admin(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
        } finally {
          cluster.stop();
        }
      },
    };
  } catch (error) {
    cluster.stop();
    throw error;
  }
}

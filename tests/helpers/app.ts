import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type AppConfig } from '../../src/config.ts';
import { migratePostgresql } from '../../src/cli/migrate-postgresql.ts';
import { POSTGRESQL_TEMPLATE } from './postgres.ts';

const MIGRATIONS = path.resolve(import.meta.dirname, '../../prisma/migrations');

/** A fresh SQLite file with every committed migration applied, as `prisma migrate deploy` would. */
export function freshDatabase(dir: string): string {
  const file = path.join(dir, 'test.db');
  const sqlite = new Database(file);
  for (const name of readdirSync(MIGRATIONS)
    .filter((n) => !n.endsWith('.toml'))
    .sort()) {
    sqlite.exec(readFileSync(path.join(MIGRATIONS, name, 'migration.sql'), 'utf8'));
  }
  sqlite.close();
  return file;
}

/**
 * A fresh PostgreSQL database on `serverUrl` (a URL of any database on the server) with every PostgreSQL
 * migration applied: a copy of the template database when there is one, else migrated here.
 */
export async function freshPostgresqlDatabase(serverUrl: string): Promise<string> {
  const name = `t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const url = new URL(serverUrl);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  let template = false;
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [POSTGRESQL_TEMPLATE]);
    template = found.rowCount === 1;
    await admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${POSTGRESQL_TEMPLATE}"` : ''}`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  if (!template) await migratePostgresql(url.toString());
  return url.toString();
}

export interface TestApp {
  app: FastifyInstance;
  dir: string;
  config: AppConfig;
  /** The clock the app reads; tests move it. */
  clock: { now: Date };
  close(): Promise<void>;
}

/** Builds the real app on its own fresh database and upload folder. */
export async function createTestApp(
  overrides: Partial<AppConfig> = {},
  start = new Date('2026-11-20T02:00:00Z'),
  /** Called with every SQL statement the app runs (count a page's statements). */
  onStatement?: (sql: string) => void,
): Promise<TestApp> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sanfang-test-'));
  // SQLite files, or in the `postgresql` test project (the suite's second pass in `npm test`) a database
  // in the throwaway cluster tests/postgresql-setup.ts started.
  const postgresqlServer = inject('postgresqlUrl');
  const databaseFile = postgresqlServer ? await freshPostgresqlDatabase(postgresqlServer) : freshDatabase(dir);
  const config: AppConfig = {
    ...loadConfig({}),
    databaseFile,
    uploadDir: path.join(dir, 'uploads'),
    logLevel: 'silent',
    scheduler: false,
    ...overrides,
  };
  const clock = { now: start };
  const app = await buildApp(config, { now: () => clock.now, logger: false, ...(onStatement ? { onStatement } : {}) });
  await app.ready();
  return {
    app,
    dir,
    config,
    clock,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

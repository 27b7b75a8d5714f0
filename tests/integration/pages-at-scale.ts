import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type AppConfig } from '../../src/config.ts';
import { freshDatabase } from '../helpers/app.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { makeWorld, type World } from '../helpers/world.ts';

/**
 * The plan tests' harness (not a test file; tests/integration/*-plans.test.ts use it): a city generated
 * in bulk beside the small test world, analysed, and read by a fresh app whose every SQL statement is
 * captured, so a test can count a page's statements and EXPLAIN each of them with its parameters.
 */

/** Tables that grow with the city: a statement may only reach them through an index search. */
export const BIG_TABLES = ['Issue', 'IssueEvent', 'Support', 'Attachment', 'Ballot', 'Notification', 'VoteUnit'];

export interface PlanHarness {
  app: FastifyInstance;
  world: World;
  databaseFile: string;
  clients: Record<string, Client>;
  /** The statements either connection ran while `act` ran (values inlined), PRAGMAs aside. */
  captured<T>(act: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
  /** The lines of each statement's plan that read a big table whole (a covering-index scan too). */
  scans(statements: string[]): { statement: string; lines: string[] }[];
  close(): Promise<void>;
}

/** The tables a statement names (`"Issue" as "i"`, `main`.`Issue`), by the alias its query plan shows. */
function tablesByAlias(statement: string): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  const add = (alias: string, table: string) => map.set(alias, (map.get(alias) ?? new Set()).add(table));
  const quoted = '["`]?(\\w+)["`]?';
  const from = new RegExp(`(?:from|join)\\s+(?:["\`]?main["\`]?\\.)?${quoted}(?:\\s+as\\s+${quoted})?`, 'gi');
  for (const m of statement.matchAll(from)) add(m[2] ?? m[1]!, m[1]!);
  return map;
}

export function scansOfBigTables(sqlite: Database.Database, statement: string): string[] {
  const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${statement}`).all() as { detail: string }[]).map((r) => r.detail);
  const tables = tablesByAlias(statement);
  return plan.filter((line) => {
    const m = /^SCAN (?:`?main`?\.)?`?(\w+)`?/.exec(line);
    if (!m) return false;
    const named = tables.get(m[1]!) ?? new Set([m[1]!]);
    return [...named].some((t) => BIG_TABLES.includes(t));
  });
}

/**
 * Builds the world and the city (`generate` writes it in bulk on the file), runs ANALYZE, and starts the
 * app that is measured, its clients signed in.
 */
export async function planHarness(
  start: Date,
  generate: (file: string, world: World, app: FastifyInstance) => Promise<void> | void,
  usernames: string[],
): Promise<PlanHarness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sanfang-plans-'));
  const databaseFile = freshDatabase(dir);
  const config: AppConfig = {
    ...loadConfig({}),
    databaseFile,
    uploadDir: path.join(dir, 'uploads'),
    logLevel: 'silent',
    scheduler: false,
  };
  const setup = await buildApp(config, { now: () => start, logger: false });
  await setup.ready();
  const world = await makeWorld(setup.db);
  await generate(databaseFile, world, setup);
  await setup.close();
  const sqlite = new Database(databaseFile);
  sqlite.exec('ANALYZE');
  sqlite.close();

  let capturing = false;
  const statements: string[] = [];
  const app = await buildApp(config, {
    now: () => start,
    logger: false,
    onStatement: (statement) => {
      if (capturing) statements.push(statement);
    },
  });
  await app.ready();
  const clients: Record<string, Client> = {};
  for (const username of usernames) clients[username] = await loginAs(app, username);
  return {
    app,
    world,
    databaseFile,
    clients,
    async captured(act) {
      statements.length = 0;
      capturing = true;
      try {
        const result = await act();
        return { result, statements: statements.filter((s) => !/^\s*PRAGMA\b/i.test(s)) };
      } finally {
        capturing = false;
      }
    },
    scans(ran) {
      const sqlite = new Database(databaseFile, { readonly: true });
      try {
        return ran.map((statement) => ({ statement, lines: scansOfBigTables(sqlite, statement) })).filter((s) => s.lines.length);
      } finally {
        sqlite.close();
      }
    },
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A deterministic pseudo-random sequence in [0, 1), so a fixture is the same on every run. */
export function randomSequence(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** How Prisma's adapter stores a DateTime. */
export const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

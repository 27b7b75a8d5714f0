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
import { scansOf, statementLog } from '../helpers/plans.ts';

/**
 * The plan tests' harness (not a test file; tests/integration/*-plans.test.ts use it): a city generated
 * in bulk beside the small test world, analysed, and read by a fresh app whose every SQL statement is
 * captured, so a test can count a page's statements and EXPLAIN each of them with its parameters.
 */

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

  const log = statementLog();
  const app = await buildApp(config, { now: () => start, logger: false, onStatement: log.onStatement });
  await app.ready();
  const clients: Record<string, Client> = {};
  for (const username of usernames) clients[username] = await loginAs(app, username);
  return {
    app,
    world,
    databaseFile,
    clients,
    captured: log.captured,
    scans(ran) {
      return ran.map((statement) => ({ statement, lines: scansOf(databaseFile, statement) })).filter((s) => s.lines.length);
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

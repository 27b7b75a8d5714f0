/**
 * The server as an operator starts it, in a child process (not a test file): package.json's `start`
 * command (`node --max-old-space-size=256 --import tsx src/server.ts`) and its `prestart` migration, run
 * from a directory of the test's own, so the test's `.env` (or none) is the one read and the data lands in
 * a temporary place. Only tsx and the entry point are made absolute, so the command works from anywhere.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { isPostgresqlUrl } from '../../src/db-url.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A child's environment: only what a shell would hand it (PATH, HOME) and the test's keys, so neither
 * vitest's variables (NODE_ENV=test) nor the developer's exports reach the server.
 */
export function bareEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...extra };
}

/** package.json's start script as argv, with `tsx` and the entry point resolved against the repository. */
export function startCommand(): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  const [node, ...args] = (scripts.start ?? '').split(/\s+/);
  if (node !== 'node') throw new Error(`the start script no longer starts with node: ${scripts.start}`);
  const tsx = import.meta.resolve('tsx');
  return args.map((arg) => (arg === 'tsx' ? tsx : arg.endsWith('.ts') ? path.join(ROOT, arg) : arg));
}

/**
 * `prisma migrate deploy` from `cwd` with the repository's prisma.config.ts: what the prestart step
 * (src/cli/migrate.ts) runs for a SQLite database, from the repository's directory.
 */
export async function migrate(cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  const prisma = path.join(ROOT, 'node_modules/.bin/prisma');
  return promisify(execFile)(prisma, ['migrate', 'deploy', '--config', path.join(ROOT, 'prisma.config.ts')], { cwd, env }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
}

export interface ServerProcess {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** How it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills it (and waits) unless it has ended; for cleanup after a failed test. */
  kill(): Promise<void>;
}

export function startServer(cwd: string, env: NodeJS.ProcessEnv): ServerProcess {
  const child = spawn(process.execPath, startCommand(), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => out,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Waits until the server prints its greeting (it listens then), failing with its output if it exits first. */
export async function waitForGreeting(server: ServerProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!server.output().includes('Sanfang is running at')) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`the server exited before listening:\n${server.output()}`);
    }
    if (Date.now() > deadline) throw new Error(`the server did not start in ${timeoutMs / 1000} s:\n${server.output()}`);
    await sleep(50);
  }
}

/**
 * A temporary directory and a migrated database holding `makeWorld`'s world (and whatever `more` adds),
 * made through the real app, which is closed again so the server child has the database to itself: a
 * SQLite file, or in the suite's PostgreSQL pass a PostgreSQL database (`databaseUrl` names either).
 * Sessions are made for today: the child runs on the real clock.
 */
export async function worldOnDisk<T>(more: (t: TestApp, w: World) => Promise<T>) {
  const t = await createTestApp({}, new Date());
  try {
    const w = await makeWorld(t.app.db);
    const extra = await more(t, w);
    await t.app.close();
    const { databaseFile, uploadDir } = t.config;
    const databaseUrl = isPostgresqlUrl(databaseFile) ? databaseFile : `file:${databaseFile}`;
    return { dir: t.dir, databaseFile, databaseUrl, uploadDir, w, extra };
  } catch (error) {
    await t.close();
    throw error;
  }
}

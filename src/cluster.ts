import cluster, { type Worker } from 'node:cluster';
import closeWithGrace from 'close-with-grace';
import type { AppConfig } from './config.ts';
import { openDatabase, type Db } from './plugins/db.ts';
import { seedDemoIfEmpty, DEMO_ACCOUNTS, DEMO_PASSWORD } from './seed/demo.ts';
import { existingUsernames, firstStartSetupLink } from './modules/auth/index.ts';

/**
 * Starting the server: the first start's work done once, the greeting printed once, and with WORKERS=n
 * (n > 1) the primary process of n workers (node:cluster). The primary serves nothing itself: it seeds,
 * forks the workers (each runs server.ts's `serve`: builds the app, runs the scheduler, listens on the
 * shared port), greets when all of them listen, replaces a worker that dies, and stops them all on
 * SIGTERM or SIGINT.
 */

/** The message a primary sends its workers to stop them gracefully. */
export const SHUTDOWN_MESSAGE = 'sanfang:shutdown';

/** How long a process may take to finish its requests and close before it is stopped anyway. */
export const GRACE_MS = 10_000;

/** The first start's work, done by one process before any serves: the demo seed into an empty database. */
export async function firstStart(db: Db, config: AppConfig, log: { info(msg: string): void }): Promise<void> {
  if (!config.seedDemo) return;
  if (await seedDemoIfEmpty(db, new Date())) log.info('Seeded the demo data (龚家湾社区 / 森嘉幸福里).');
}

/** What the console says once the server listens: where, the first administrator's setup link, the demo accounts. */
export async function greeting(db: Db, config: AppConfig): Promise<string> {
  const demo = await existingUsernames(
    db,
    DEMO_ACCOUNTS.map((a) => a.username),
  );
  const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${config.port}`;
  const processes = config.workers > 1 ? ` (${config.workers} processes)` : '';
  const lines = [`\n  三方联动 Sanfang is running at ${url}${processes}`];
  // A fresh install without the demo has no user: the first administrator is made through a one-time link.
  const setup = await firstStartSetupLink(db, url, new Date());
  if (setup) {
    lines.push('  No account exists yet. Create the first administrator (link good once, for 24 hours):');
    lines.push(`    ${setup.url}`);
    lines.push('  A fresh link at any time: npm run setup-admin');
  }
  if (demo.length > 0) {
    lines.push(`  Demo accounts (password ${DEMO_PASSWORD}):`);
    for (const account of DEMO_ACCOUNTS) {
      if (demo.includes(account.username)) lines.push(`    ${account.username.padEnd(10)} ${account.description}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The primary's few log lines, shaped like the workers' (pino's JSON). */
function log(level: 'info' | 'warn' | 'error', msg: string, extra: Record<string, unknown> = {}) {
  const levels = { info: 30, warn: 40, error: 50 };
  const line = JSON.stringify({ level: levels[level], time: Date.now(), pid: process.pid, role: 'primary', ...extra, msg });
  (level === 'info' ? process.stdout : process.stderr).write(line + '\n');
}

/**
 * The primary of WORKERS=n: seeds before any worker starts, forks n workers, prints the greeting once
 * they all listen, replaces a worker that dies after it started serving (one that dies before, such as
 * on a taken port, stops the whole server rather than looping), and on SIGTERM/SIGINT asks every worker
 * to finish its requests and close, then exits.
 */
export async function runPrimary(config: AppConfig): Promise<void> {
  const db = await openDatabase(config.databaseFile);
  try {
    await firstStart(db, config, { info: (msg) => log('info', msg) });
  } catch (error) {
    await db.$disconnect();
    throw error;
  }

  const workers = new Set<Worker>();
  const listening = new WeakSet<Worker>();
  let stopping = false;

  const exited = (worker: Worker) =>
    new Promise<void>((resolve) => {
      if (worker.isDead()) resolve();
      else worker.once('exit', () => resolve());
    });

  const stopAll = async () => {
    stopping = true;
    for (const worker of workers) if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE);
    await Promise.all([...workers].map(exited));
  };

  // Signals and errors in the primary stop every worker first; a worker past the grace is killed.
  closeWithGrace({ delay: GRACE_MS + 2_000 }, async ({ signal, err }) => {
    if (err) log('error', 'shutting down after an error', { err: String(err) });
    else log('info', 'shutting down', { signal });
    await stopAll();
    await db.$disconnect();
  });

  let ready!: () => void;
  let startFailed!: (error: Error) => void;
  const allListening = new Promise<void>((resolve, reject) => {
    ready = resolve;
    startFailed = reject;
  });

  cluster.on('listening', (worker) => {
    listening.add(worker);
    if ([...workers].every((w) => listening.has(w))) ready();
  });
  cluster.on('exit', (worker, code, signal) => {
    workers.delete(worker);
    if (stopping) return;
    if (!listening.has(worker)) {
      // It never served: a configuration or start-up error that every worker would meet again.
      log('error', 'a worker stopped before it started serving; stopping the server', { worker: worker.id, code, signal });
      startFailed(new Error(`worker ${worker.id} exited (${signal ?? code}) before listening`));
      void stopAll().then(() => process.exit(1));
      return;
    }
    log('warn', 'a worker stopped; starting another', { worker: worker.id, code, signal });
    workers.add(cluster.fork());
  });

  for (let i = 0; i < config.workers; i += 1) workers.add(cluster.fork());

  try {
    await allListening;
  } catch {
    return; // stopAll() is under way and exits the process
  }
  process.stdout.write(await greeting(db, config));
  await db.$disconnect();
}

/**
 * The benchmark: the app as production runs it, on a generated dataset, driven over loopback by a load
 * generator in another process. Nothing here is asserted: timing never goes in a test.
 *
 *   npm run bench:data -- --size 100k        # once: tests/bench/.data/city-100k.db + city-100k.json
 *   npm run bench -- --size 100k [--seconds 10] [--connections 10] [--workers N] [--only <substring>]
 *   npm run bench -- --size 100k --postgresql   # on the city loaded by `bench:data -- --postgresql`
 *
 * See tests/bench/README.md for what each row measures and how to read it.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { benchOptions, type BenchOptions } from './runner/args.ts';
import { planBallots } from './runner/ballots.ts';
import { Browser, formBody } from './runner/browser.ts';
import { openDataset, type Dataset } from './runner/dataset.ts';
import { runLoad } from './runner/load-child.ts';
import {
  ROOT,
  freePort,
  memoryOf,
  startFlags,
  startNode,
  stop,
  waitForGreeting,
  waitUntilUp,
  type Server,
} from './runner/processes.ts';
import { failuresOf, machine, markdown, writeJson, type Report, type Row } from './runner/report.ts';
import { BALLOTS_ROW, UNIQUE, landingPage, selected, targets, type Role, type Target } from './runner/targets.ts';
import type { LoadConfig, Manifest } from './runner/types.ts';

const DATA_DIR = path.join(ROOT, 'tests/bench/.data');
/** Writes run at this many connections whatever --connections says, on either database, so the two compare (SQLite has one writer). */
const WRITE_CONNECTIONS = 10;

const log = (message: string) => console.log(`[bench] ${message}`);

function readManifest(size: string): Manifest {
  const file = path.join(DATA_DIR, `city-${size}.json`);
  if (!existsSync(file)) {
    throw new Error(`No dataset manifest at ${file}.\nGenerate it first: npm run bench:data -- --size ${size}`);
  }
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  if (!existsSync(m.db)) throw new Error(`The manifest's database ${m.db} does not exist: generate the dataset again.`);
  return m;
}

async function startServer(
  name: string,
  file: string,
  env: NodeJS.ProcessEnv,
  work: string,
  healthPath: string,
  nodeFlags: readonly string[] = [],
) {
  const port = await freePort();
  const logFile = path.join(work, `${name}.log`);
  const child = startNode(name, file, { ...env, HOST: '127.0.0.1', PORT: String(port) }, logFile, nodeFlags);
  const server: Server = { name, child, origin: `http://127.0.0.1:${port}`, logFile };
  await waitUntilUp(server, healthPath);
  return server;
}

/** The environment production runs with (see .env.example), pointed at the copy. */
function appEnv(databaseUrl: string, work: string, options: BenchOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    COOKIE_SECRET: randomBytes(32).toString('hex'),
    COOKIE_SECURE: 'false',
    SCHEDULER: 'true',
    UPLOAD_DIR: path.join(work, 'uploads'),
  };
  delete env.WORKERS;
  if (options.workers !== null) env.WORKERS = String(options.workers);
  return env;
}

const skippedRow = (t: { name: string; method: 'GET' | 'POST'; path: string; as: string }, why: string): Row => ({
  name: t.name,
  method: t.method,
  path: t.path,
  as: t.as,
  result: null,
  skipped: why,
  rps: 0,
  failures: 0,
  notes: [],
});

async function measure(row: Omit<Row, 'result' | 'rps' | 'failures' | 'skipped'>, config: LoadConfig): Promise<Row> {
  const result = await runLoad(config);
  // A fixed list ends when it is sent: its rate is responses over the time it took.
  const rps = config.list ? result.total / Math.max(result.seconds, 0.001) : result.rps;
  const done: Row = { ...row, result, rps, failures: failuresOf(row.method, result), skipped: null };
  log(
    `${row.name}: ${rps.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${done.failures} failed`,
  );
  return done;
}

/** Probes a page or form once as `browser`, then loads it. */
async function pageRow(t: Target, browser: Browser, origin: string, options: BenchOptions): Promise<Row> {
  const probeToken = `probe${randomBytes(6).toString('hex')}`;
  const withToken = (form: Record<string, string>) =>
    Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v.replaceAll(UNIQUE, probeToken)]));
  const probe = t.method === 'GET' ? await browser.get(t.path) : await browser.post(t.path, withToken(t.form ?? {}));
  if (probe.status < 200 || probe.status >= 400) {
    log(`${t.name}: skipped, the probe answered HTTP ${probe.status}`);
    return skippedRow(t, `skipped (HTTP ${probe.status})`);
  }
  const notes: string[] = [];
  const note = t.check?.(probe.body);
  if (note) notes.push(note);
  if (t.method === 'POST' && probe.status !== 303) notes.push(`the probe answered ${probe.status}, not a 303 redirect`);
  const headers: Record<string, string> = { cookie: browser.cookieHeader() };
  if (t.method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
  const config: LoadConfig = {
    origin,
    method: t.method,
    path: t.path,
    headers,
    connections: t.method === 'POST' ? WRITE_CONNECTIONS : options.connections,
    duration: options.seconds,
    ...(t.method === 'POST' ? { body: formBody({ _csrf: browser.csrf, ...t.form }), unique: UNIQUE } : {}),
  };
  return measure({ name: t.name, method: t.method, path: t.path, as: t.as, notes }, config);
}

async function main() {
  const options = benchOptions(process.argv.slice(2));
  const m = readManifest(options.size);
  const startedAt = new Date().toISOString();
  const host = machine();
  const work = mkdtempSync(path.join(tmpdir(), 'sanfang-bench-'));
  mkdirSync(path.join(work, 'uploads'));
  const running: ChildProcess[] = [];
  const notes: string[] = [];
  let failed = false;
  let dataset: Dataset | null = null;
  try {
    dataset = await openDataset(m, options, work, log);
    log(`database: ${dataset.label}`);
    log(`migrations: ${await dataset.migrate()}`);
    const ballotsBefore = await dataset.countBallots(m.ids.proposalId, []);

    // 1. The ceiling, alone on the machine.
    const bare = await startServer('bare', 'tests/bench/bare.ts', process.env, work, '/');
    running.push(bare.child);
    const bareTarget = { name: 'bare Fastify (ceiling)', method: 'GET' as const, path: '/', as: '' };
    const bareRow = await measure(
      { ...bareTarget, notes: [] },
      { origin: bare.origin, method: 'GET', path: '/', headers: {}, connections: options.connections, duration: options.seconds },
    );
    await stop(bare.child);

    // 2. The app as production starts it.
    const flags = startFlags();
    log(
      `starting the app (node ${[...flags, '--import tsx'].join(' ')} src/server.ts${options.workers ? `, WORKERS=${options.workers}` : ''})`,
    );
    const app = await startServer('app', 'src/server.ts', appEnv(dataset.url, work, options), work, '/healthz', flags);
    running.push(app.child);
    if (!(await waitForGreeting(app, 'is running at'))) log('the app answered /healthz but never printed its greeting');

    const chosen = targets(m).filter((t) => selected(t.name, options.only));
    const browsers = new Map<Role, Browser>();
    for (const role of new Set(chosen.map((t) => t.as))) {
      const browser = new Browser(app.origin, role);
      await browser.login(m.accounts[role], m.password, landingPage(role, m));
      browsers.set(role, browser);
    }

    const rows: Row[] = [];
    for (const t of chosen) {
      // One row failing (its load process, the connection) is reported in its row; the others still run.
      const row = await pageRow(t, browsers.get(t.as) as Browser, app.origin, options).catch((error: unknown) => {
        log(`${t.name}: failed: ${String(error)}`);
        return skippedRow(t, `failed (${String(error).split('\n')[0]})`);
      });
      rows.push(row);
    }

    let ballots: Report['ballots'] = null;
    let voterKeys: string[] = [];
    if (selected(BALLOTS_ROW, options.only)) {
      log(`logging in ${m.accounts.voters.length} voters`);
      const plan = await planBallots(app.origin, m);
      voterKeys = plan.voterKeys;
      ballots = {
        voters: m.accounts.voters.length,
        cast: plan.requests.length,
        refused: plan.refused,
        recorded: null,
        before: ballotsBefore,
        after: null,
        loginSeconds: plan.loginSeconds,
      };
      const first = plan.requests[0];
      const row = { name: BALLOTS_ROW, method: 'POST' as const, path: `/votes/${m.ids.proposalId}/ballot`, as: 'voters' };
      if (!first) rows.push(skippedRow(row, `skipped (no voter had a ballot form: ${plan.refused[0]?.reason ?? 'no voters'})`));
      else {
        const config: LoadConfig = {
          origin: app.origin,
          method: 'POST',
          path: first.path,
          headers: {},
          list: plan.requests,
          connections: WRITE_CONNECTIONS,
          duration: options.seconds,
        };
        rows.push(await measure({ ...row, notes: [] }, config));
      }
    }

    // 3. Peak memory before the server stops, then the ballots counted on the stopped database.
    const memory = app.child.pid ? memoryOf(app.child.pid) : [];
    await stop(app.child);
    if (ballots && voterKeys.length > 0) {
      ballots.after = await dataset.countBallots(m.ids.proposalId, voterKeys);
      ballots.recorded = ballots.after.ours;
    }
    if (options.workers === null) notes.push('WORKERS not set: the app served from one process.');
    if (options.postgresql) notes.push("Peak RSS counts the app's processes only, not PostgreSQL's server processes.");

    const report: Report = {
      size: m.size,
      issues: m.issues,
      database: dataset.label,
      startedAt,
      options,
      machine: host,
      bare: bareRow,
      rows,
      memory,
      ballots,
      notes,
    };
    console.log('\n' + markdown(report) + '\n');
    log(`results written to ${path.relative(ROOT, writeJson(DATA_DIR, report))}`);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    for (const child of running) await stop(child);
    await dataset?.close(options.keep || failed);
    if (options.keep || failed) log(`kept ${work} (database copy, uploads, server logs)`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();

import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import type { AppConfig } from '../../src/config.ts';
import type { RunOptions, RunReport } from '../../src/scheduler.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { Client } from '../helpers/client.ts';
import type { World } from '../helpers/world.ts';

/** The real app in another OS process on the same database file, driven over IPC (second-process.ts). */
export interface SecondProcess {
  /** Stands in for the app where the tests only inject (the Client helper): requests go to the other process. */
  app: FastifyInstance;
  /** Runs the scheduler's jobs there; `delivered` is what it handed to an outside channel. */
  runJobs(now: Date, options?: RunOptions): Promise<{ report: RunReport; delivered: string[] }>;
  close(): Promise<void>;
}

const SECOND_PROCESS = path.resolve(import.meta.dirname, 'second-process.ts');

export async function startSecondProcess(config: AppConfig, now: Date): Promise<SecondProcess> {
  const child = fork(SECOND_PROCESS, [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      SANFANG_SECOND_PROCESS_CONFIG: JSON.stringify(config),
      SANFANG_SECOND_PROCESS_NOW: now.toISOString(),
    },
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let ready!: () => void;
  let failed!: (error: Error) => void;
  const started = new Promise<void>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (message: { ready?: true; id?: number; result?: unknown; error?: string }) => {
    if (message.ready) return ready();
    const call = pending.get(message.id ?? -1);
    pending.delete(message.id ?? -1);
    if (message.error !== undefined) call?.reject(new Error(`in the second process: ${message.error}`));
    else call?.resolve(message.result);
  });
  child.once('exit', (code) => {
    const error = new Error(`the second process exited (${code})`);
    failed(error);
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  });
  await started;

  let seq = 0;
  const call = <T>(request: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) => {
      seq += 1;
      pending.set(seq, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id: seq, ...request });
    });
  const inject = (options: InjectOptions) => call<LightMyRequestResponse>({ type: 'inject', options });
  return {
    app: { inject } as unknown as FastifyInstance,
    runJobs: (at, options = {}) => call({ type: 'runJobs', now: at.toISOString(), options }),
    async close() {
      if (child.connected) await call({ type: 'close' });
      await exited;
    },
  };
}

/**
 * Two server processes on one database file, as WORKERS=2 runs them: the test's own app (`t.app`,
 * apps[0]) and the real app in a second OS process (apps[1]), so their writes truly contend for SQLite's
 * one write lock.
 */
export async function twoProcesses(): Promise<{
  t: TestApp;
  second: SecondProcess;
  apps: [FastifyInstance, FastifyInstance];
  close(): Promise<void>;
}> {
  const t = await createTestApp();
  const second = await startSecondProcess(t.config, t.clock.now).catch(async (error: unknown) => {
    await t.close();
    throw error;
  });
  return {
    t,
    second,
    apps: [t.app, second.app],
    async close() {
      await second.close();
      await t.close();
    },
  };
}

/**
 * A crowd for the concurrency tests (not a test file): n residents of estate A, each the owner of record
 * of one unit of a new building and linked to their account, each already signed in (a session row and
 * its cookie, as a login would leave them: n logins would spend most of the test hashing passwords).
 */
export interface Resident {
  userId: number;
  ownerId: number;
  unitId: number;
  /** The `sid` cookie of the resident's session. */
  token: string;
}

export async function makeCrowd(db: PrismaClient, w: World, n: number, now: Date) {
  const building = await db.building.create({ data: { estateId: w.estateA.id, name: '9号楼', floors: 33 } });
  const rooms = Array.from({ length: n }, (_, i) => ({ room: String(101 + i), floor: 1 + Math.floor(i / 10) }));
  // areas differ (50.00 m² + i × 0.01 m²), so a ballot counted under the wrong unit shows in the tally
  await db.unit.createMany({ data: rooms.map((r, i) => ({ buildingId: building.id, ...r, areaCentiM2: 5000 + i })) });
  const units = await db.unit.findMany({ where: { buildingId: building.id }, orderBy: { id: 'asc' } });
  await db.user.createMany({
    data: units.map((u, i) => ({
      username: `crowd${i}`,
      passwordHash: 'not-used: signed in through a session row',
      displayName: `居民${i}`,
      phone: `139${String(i).padStart(8, '0')}`,
      role: 'resident',
      estateId: w.estateA.id,
      unitId: u.id,
      communityId: w.community.id,
    })),
  });
  const users = await db.user.findMany({ where: { username: { startsWith: 'crowd' } }, orderBy: { id: 'asc' } });
  await db.owner.createMany({
    data: users.map((u, i) => ({ estateId: w.estateA.id, ownerKey: `C${i}`, name: u.displayName, phone: u.phone, userId: u.id })),
  });
  const owners = await db.owner.findMany({ where: { ownerKey: { startsWith: 'C' } }, orderBy: { id: 'asc' } });
  await db.ownerUnit.createMany({ data: owners.map((o, i) => ({ ownerId: o.id, unitId: units[i]!.id })) });
  const tokens = users.map(() => randomBytes(32).toString('base64url'));
  await db.session.createMany({
    data: users.map((u, i) => ({
      id: createHash('sha256').update(tokens[i]!).digest('hex'),
      userId: u.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + 7 * 24 * 3600_000),
    })),
  });
  const residents: Resident[] = users.map((u, i) => ({
    userId: u.id,
    ownerId: owners[i]!.id,
    unitId: units[i]!.id,
    token: tokens[i]!,
  }));
  return { building, residents };
}

/** The CSRF secret cookie and a token for it, from one page: the token is not tied to a session. */
export async function csrfPair(app: FastifyInstance): Promise<{ cookie: string; token: string }> {
  const boot = new Client(app);
  await boot.get('/login');
  const cookie = boot.cookie('_csrf');
  if (!cookie || !boot.csrf) throw new Error('no CSRF token on the login page');
  return { cookie, token: boot.csrf };
}

/** A browser of a signed-in resident talking to `app`. */
export function residentClient(app: FastifyInstance, resident: Resident, csrf: { cookie: string; token: string }): Client {
  const client = new Client(app);
  client.setCookie('sid', resident.token);
  client.setCookie('_csrf', csrf.cookie);
  client.csrf = csrf.token;
  return client;
}

/** The same browser (cookies and CSRF token) talking to the other server process. */
export function sameBrowserOn(app: FastifyInstance, client: Client): Client {
  const twin = new Client(app);
  for (const name of ['sid', '_csrf']) {
    const value = client.cookie(name);
    if (value) twin.setCookie(name, value);
  }
  twin.csrf = client.csrf;
  return twin;
}

/** Nobody was answered with a server error, and nobody saw the database's words. */
export function expectNoServerErrors(responses: LightMyRequestResponse[]) {
  const failures = responses
    .filter((r) => r.statusCode >= 500 || /database is locked|SQLITE_BUSY/i.test(r.body))
    .map((r) => `${r.statusCode}: ${r.body.slice(0, 200)}`);
  expect(failures).toEqual([]);
}

import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPostgresqlUrl } from '../../src/db-url.ts';
import { formatShanghaiLocal } from '../../src/domain/deadlines.ts';
import { openDatabase } from '../../src/plugins/db.ts';
import { IMAGES, loginAs } from '../helpers/client.ts';
import { PASSWORD } from '../helpers/world.ts';
import { Browser } from '../bench/runner/browser.ts';
import { makeCrowd, type Resident } from './concurrent-fixtures.ts';
import { makeIssue } from './issues-fixtures.ts';
import { bareEnv, freePort, startServer, waitForGreeting, worldOnDisk, type ServerProcess } from './server-process.ts';

/**
 * A crash under load (issue #13, item 4): residents file issues (some with a photo), owners cast ballots
 * and the community accepts new issues, all through the real routes of a server started as `npm start`
 * starts it, until the server is killed with SIGKILL in the middle of it. Restarted on the same database,
 * it must hold every write a client was answered for (each 303), and a SQLite file must pass
 * integrity_check. SQLite in WAL mode makes a transaction durable against a killed process once its commit
 * returns (synchronous = FULL, src/plugins/db.ts, makes it durable against power loss too); the app answers
 * only after the commit. In the suite's PostgreSQL pass the same holds of PostgreSQL's commits.
 */

const RESIDENTS = 40;
const SUBMITTED = 40;
/** Acknowledged writes before the kill: enough for every kind, with more still in flight. */
const KILL_AFTER = 150;
const CHOICES = ['agree', 'disagree', 'abstain'];

interface Filed {
  issueId: number;
  title: string;
  key: string;
  reporterId: number;
  photo: boolean;
}

let dir: string;
let databaseFile: string;
let databaseUrl: string;
let uploadDir: string;
let crowd: Resident[];
let submitted: { id: number; version: number }[];
let voteId: number;
let categoryId: number;
let port: number;
const servers: ServerProcess[] = [];

const env = () =>
  bareEnv({
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    UPLOAD_DIR: uploadDir,
    SEED_DEMO: 'false',
    SCHEDULER: 'false',
    LOG_LEVEL: 'warn',
  });

beforeAll(async () => {
  const world = await worldOnDisk(async (t, w) => {
    const now = t.clock.now;
    const { building, residents } = await makeCrowd(t.app.db, w, RESIDENTS, now);
    const issues = [];
    for (let i = 0; i < SUBMITTED; i += 1) issues.push(await makeIssue(t.app, w, { state: 'submitted', title: `待受理 ${i}` }));
    const committee = await loginAs(t.app, 'committeea');
    await committee.get('/votes/new');
    const drafted = await committee.post('/votes', {
      estateId: String(w.estateA.id),
      issueId: '',
      matter: 'use_fund',
      title: '9号楼外墙维修使用维修资金',
      description: '',
      scope: 'buildings',
      buildingIds: [String(building.id)],
      amount: '386,000.00',
      opensAt: '',
      closesAt: formatShanghaiLocal(new Date(now.getTime() + 10 * 24 * 3600_000)),
      quotesText: '',
    });
    if (drafted.statusCode !== 303) throw new Error(`drafting the vote: ${drafted.statusCode}`);
    const id = Number(/\/votes\/(\d+)/.exec(String(drafted.headers.location))?.[1]);
    await committee.get(`/votes/${id}`);
    if ((await committee.post(`/votes/${id}/open`)).statusCode !== 303) throw new Error('opening the vote');
    return { residents, issues: issues.map((i) => ({ id: i.id, version: i.version })), voteId: id };
  });
  ({ dir, databaseFile, databaseUrl, uploadDir } = world);
  ({ residents: crowd, issues: submitted, voteId } = world.extra);
  categoryId = world.w.cat('sanitation').id;
  port = await freePort();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a server killed with SIGKILL under load', () => {
  it('keeps every acknowledged filing, ballot and acceptance, and its database passes integrity_check', async () => {
    const first = startServer(dir, env());
    servers.push(first);
    await waitForGreeting(first);
    const origin = `http://127.0.0.1:${port}`;

    // One CSRF secret and token for the crowd (not tied to a session); each resident has a session row.
    const boot = new Browser(origin);
    await boot.get('/login');
    const csrfCookie = /(?:^|; )_csrf=([^;]+)/.exec(boot.cookieHeader())?.[1] ?? '';
    const cookieOf = (r: Resident) => `sid=${r.token}; _csrf=${csrfCookie}`;
    const community = new Browser(origin);
    await community.login('community', PASSWORD, '/account/password');

    const filed: Filed[] = [];
    /** Each owner's last acknowledged choice, and the last one sent (unanswered if the kill took it). */
    const cast = new Map<number, string>();
    const lastSent = new Map<number, string>();
    const accepted: number[] = [];
    const unexpected: string[] = [];
    let acknowledged = 0;
    let inFlight = 0;
    let killed = false;
    let inFlightAtKill = -1;
    let killNow!: () => void;
    const killTime = new Promise<void>((resolve) => (killNow = resolve));

    const fail = (why: string) => {
      unexpected.push(why);
      killNow(); // stop the load at once: the test fails on `unexpected`
    };

    /** Sends one write; a 303 is remembered as acknowledged; a refused connection after the kill is not an answer. */
    const send = async (url: string, init: RequestInit, cookie: string): Promise<string | null> => {
      inFlight += 1;
      try {
        const res = await fetch(origin + url, {
          ...init,
          method: 'POST',
          redirect: 'manual',
          headers: { ...init.headers, cookie },
        });
        const body = await res.text();
        if (res.status !== 303) {
          if (!killed) fail(`${url}: ${res.status} ${body.slice(0, 200)}`);
          return null;
        }
        acknowledged += 1;
        if (acknowledged >= KILL_AFTER) killNow();
        return res.headers.get('location');
      } catch {
        if (!killed) fail(`${url}: the connection failed before the kill`);
        return null;
      } finally {
        inFlight -= 1;
      }
    };
    const form = (fields: Record<string, string>) => ({
      body: new URLSearchParams({ _csrf: boot.csrf, ...fields }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    const fileLane = async (lane: number) => {
      for (let n = 0; !killed; n += 1) {
        const resident = crowd[(lane * 7 + n) % crowd.length]!;
        const key = randomUUID();
        const title = `9号楼门口积水 ${lane}-${n}`;
        const photo = n % 3 === 0;
        const fields = {
          categoryId: String(categoryId),
          locationType: 'building',
          locationNote: '',
          title,
          description: '下雨后门口积水，老人出入不便。',
          submissionKey: key,
          similarChecked: '1',
        };
        let init: RequestInit;
        if (photo) {
          const body = new FormData();
          for (const [k, v] of Object.entries({ _csrf: boot.csrf, ...fields })) body.append(k, v);
          body.append('photos', new Blob([IMAGES.png], { type: 'image/png' }), '积水.png');
          init = { body };
        } else {
          init = form(fields);
        }
        const location = await send('/issues', init, cookieOf(resident));
        const issueId = Number(/^\/issues\/(\d+)\?filed=1$/.exec(location ?? '')?.[1]);
        if (location) filed.push({ issueId, title, key, reporterId: resident.userId, photo });
      }
    };
    // Owners change their minds while the vote is open: each ballot replaces their last.
    const ballotLane = async (lane: number) => {
      for (let n = 0; !killed; n += 1) {
        const owner = crowd[(lane + 2 * n) % crowd.length]!;
        const choice = CHOICES[(n + lane) % CHOICES.length]!;
        lastSent.set(owner.ownerId, choice);
        const location = await send(`/votes/${voteId}/ballot`, form({ voterKey: `o:${owner.ownerId}`, choice }), cookieOf(owner));
        if (location) cast.set(owner.ownerId, choice);
      }
    };
    const acceptLane = async () => {
      const dueAt = formatShanghaiLocal(new Date(Date.now() + 5 * 24 * 3600_000));
      for (const issue of submitted) {
        if (killed) return;
        const location = await send(
          `/issues/${issue.id}/actions/accept`,
          {
            body: new URLSearchParams({
              _csrf: community.csrf,
              version: String(issue.version),
              party: 'property',
              dueAt,
            }).toString(),
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          },
          community.cookieHeader(),
        );
        if (location) accepted.push(issue.id);
      }
    };

    const lanes = [...[0, 1, 2, 3, 4, 5].map(fileLane), ...[0, 1].map(ballotLane), acceptLane()];
    await killTime;
    inFlightAtKill = inFlight;
    killed = true;
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await Promise.all(lanes);

    // on failure, the server's own error lines say why
    const errors = first
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":50'));
    expect(unexpected, errors.slice(0, 3).join('\n').slice(0, 3000)).toEqual([]);
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(filed.length).toBeGreaterThan(0);
    expect(cast.size).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThan(0);

    // Restarted on the same file, it serves again, and a resident finds the issue they were told was filed.
    const second = startServer(dir, env());
    servers.push(second);
    await waitForGreeting(second);
    const last = filed.at(-1)!;
    const reporter = crowd.find((r) => r.userId === last.reporterId)!;
    expect((await fetch(`${origin}/issues/${last.issueId}`, { headers: { cookie: cookieOf(reporter) } })).status).toBe(200);

    if (!isPostgresqlUrl(databaseFile)) {
      const file = new Database(databaseFile, { readonly: true });
      try {
        expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(file.pragma('foreign_key_check')).toEqual([]);
      } finally {
        file.close();
      }
    }
    const db = await openDatabase(databaseFile);
    try {
      const issues = new Map(
        (
          await db.issue.findMany({
            where: { id: { in: [...filed.map((f) => f.issueId), ...accepted] } },
            include: { events: { orderBy: { id: 'asc' } }, attachments: true },
          })
        ).map((i) => [i.id, i]),
      );
      for (const f of filed) {
        const issue = issues.get(f.issueId);
        expect(issue).toMatchObject({ title: f.title, reporterId: f.reporterId, submissionKey: f.key });
        expect(issue?.events.map((e) => e.action)).toEqual(['submit']);
        expect(issue?.attachments).toHaveLength(f.photo ? 1 : 0);
        for (const a of issue?.attachments ?? []) expect(existsSync(path.join(uploadDir, a.storageKey))).toBe(true);
      }
      for (const id of accepted) {
        expect(issues.get(id)?.state).toBe('accepted');
        expect(issues.get(id)?.events.map((e) => e.action)).toEqual(['submit', 'accept']);
      }
      const ballots = new Map((await db.ballot.findMany({ where: { proposalId: voteId } })).map((b) => [b.voterKey, b.choice]));
      // The acknowledged choice stands, unless a later one was on its way when the server died and made it.
      for (const [ownerId, choice] of cast) expect([choice, lastSent.get(ownerId)]).toContain(ballots.get(`o:${ownerId}`));
    } finally {
      await db.$disconnect();
    }
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 60_000);
});

import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatShanghaiLocal } from '../../src/domain/deadlines.ts';
import type { TestApp } from '../helpers/app.ts';
import { IMAGES, loginAs, type Client } from '../helpers/client.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { makeIssue, versionOf } from './issues-fixtures.ts';
import {
  csrfPair,
  expectNoServerErrors,
  makeCrowd,
  residentClient,
  sameBrowserOn,
  twoProcesses,
  type Resident,
} from './concurrent-fixtures.ts';

/**
 * Writers at once (issue #11, item 7): requests at the same moment, through one server process and
 * through two on the same SQLite file (WORKERS=2). SQLite has one writer; a transaction that meets the
 * other process's write is run again (src/plugins/db.ts, inTransaction). Nobody gets a 5xx or sees
 * "database is locked", no write is lost or doubled, and the optimistic version check still makes exactly
 * one of several people acting on an issue win.
 */

let t: TestApp;
let apps: [FastifyInstance, FastifyInstance];
let closeAll: () => Promise<void>;
let w: World;
let crowd: Resident[];
let csrf: { cookie: string; token: string };
/** Staff signed in once; `on(app, client)` is the same browser talking to either process. */
let property: Client;
let committee: Client;
let community: Client;

const DAY = 24 * 3600_000;
const CHANGED = '这条诉求刚刚被其他人更新了';
const on = (i: number, client: Client) => sameBrowserOn(apps[i % 2]!, client);

beforeAll(async () => {
  ({ t, apps, close: closeAll } = await twoProcesses());
  w = await makeWorld(t.app.db);
  ({ residents: crowd } = await makeCrowd(t.app.db, w, 100, t.clock.now));
  csrf = await csrfPair(t.app);
  [property, committee, community] = await Promise.all([
    loginAs(t.app, 'propertya'),
    loginAs(t.app, 'committeea'),
    loginAs(t.app, 'community'),
  ]);
});
afterAll(async () => closeAll?.());

const dueIn = (days: number) => formatShanghaiLocal(new Date(t.clock.now.getTime() + days * DAY));
const events = (issueId: number) => t.app.db.issueEvent.findMany({ where: { issueId }, orderBy: { id: 'asc' } });
const statuses = (responses: LightMyRequestResponse[]) => responses.map((r) => r.statusCode).sort();

describe('staff acting on one issue at the same moment', () => {
  it('the property hands off, the committee escalates and the community reassigns at once: one wins, two are told', async () => {
    // Eight rounds, with the three spread differently over the two processes each time.
    for (let round = 0; round < 8; round += 1) {
      const issue = await makeIssue(t.app, w, { state: 'in_progress', assignedParty: 'property' });
      const before = await events(issue.id);
      const version = await versionOf(t.app, issue.id);
      const moves = [
        {
          action: 'handoff',
          send: () =>
            on(round, property).post(`/issues/${issue.id}/actions/handoff`, {
              version,
              party: 'committee',
              reason: '屋面防水不归物业',
            }),
        },
        {
          action: 'escalate',
          send: () => on(round + 1, committee).post(`/issues/${issue.id}/actions/escalate`, { version, note: '请联席会议议定' }),
        },
        {
          action: 'reassign',
          send: () =>
            on(round >> 1, community).post(`/issues/${issue.id}/actions/reassign`, {
              version,
              party: 'community',
              dueAt: dueIn(3),
            }),
        },
      ];
      const responses = await Promise.all(moves.map((m) => m.send()));

      expectNoServerErrors(responses);
      expect(statuses(responses)).toEqual([303, 409, 409]);
      for (const loser of responses.filter((r) => r.statusCode === 409)) expect(loser.body).toContain(CHANGED);
      const winner = moves[responses.findIndex((r) => r.statusCode === 303)]!.action;
      const added = (await events(issue.id)).slice(before.length);
      expect(added.map((e) => e.action)).toEqual([winner]);
      const row = await t.app.db.issue.findUniqueOrThrow({ where: { id: issue.id } });
      expect(row.version).toBe(issue.version + 1);
      expect(row.state).toBe(added[0]!.toState);
    }
  });

  it('accepting and rejecting a new issue at once from two processes: one decision, one event', async () => {
    for (let round = 0; round < 4; round += 1) {
      const issue = await makeIssue(t.app, w, { state: 'submitted' });
      const version = await versionOf(t.app, issue.id);
      const responses = await Promise.all([
        on(round, community).post(`/issues/${issue.id}/actions/accept`, { version, party: 'property', dueAt: dueIn(5) }),
        on(round + 1, community).post(`/issues/${issue.id}/actions/reject`, { version, reason: '不属于本小区' }),
      ]);
      expectNoServerErrors(responses);
      expect(statuses(responses)).toEqual([303, 409]);
      const decided = (await events(issue.id)).filter((e) => e.action === 'accept' || e.action === 'reject');
      expect(decided).toHaveLength(1);
      expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).state).toBe(decided[0]!.toState);
    }
  });
});

describe('residents writing at the same moment', () => {
  const storedFiles = () => {
    try {
      return readdirSync(t.config.uploadDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    } catch {
      return 0;
    }
  };

  it('100 residents file at once, 30 of them tapping twice: each filing once, a repeat answered with its first issue', async () => {
    const filings = crowd.map((resident, i) => ({ resident, i, key: randomUUID(), title: `9号楼 ${101 + i} 门口积水` }));
    const send = (app: FastifyInstance, f: (typeof filings)[number]) =>
      residentClient(app, f.resident, csrf).postMultipart(
        '/issues',
        {
          categoryId: String(w.cat('sanitation').id),
          locationType: 'building',
          locationNote: '',
          title: f.title,
          description: '下雨后门口积水，老人出入不便。',
          submissionKey: f.key,
          // they have seen their neighbours' reports of the same problem and file their own anyway
          similarChecked: '1',
        },
        { photos: [{ filename: '积水.png', contentType: 'image/png', data: IMAGES.png }] },
      );
    const sent = filings.flatMap((f) => (f.i < 30 ? [send(apps[0], f), send(apps[1], f)] : [send(apps[f.i % 2]!, f)]));
    const responses = await Promise.all(sent);

    expectNoServerErrors(responses);
    expect(responses.map((r) => r.statusCode)).toEqual(sent.map(() => 303));
    const issueIdOf = (r: LightMyRequestResponse) => Number(/^\/issues\/(\d+)\?filed=1$/.exec(String(r.headers.location))?.[1]);
    // the two taps of one form lead to the same issue
    for (let i = 0; i < 30; i += 1) expect(issueIdOf(responses[2 * i]!)).toBe(issueIdOf(responses[2 * i + 1]!));

    const issues = await t.app.db.issue.findMany({
      where: { submissionKey: { in: filings.map((f) => f.key) } },
      include: { events: true, attachments: true },
    });
    expect(issues).toHaveLength(100);
    for (const f of filings) {
      const issue = issues.find((i) => i.submissionKey === f.key);
      expect(issue?.reporterId).toBe(f.resident.userId);
      expect(issue?.title).toBe(f.title);
      expect(issue?.events.map((e) => e.action)).toEqual(['submit']);
      expect(issue?.attachments).toHaveLength(1);
      expect(issue?.attachmentCount).toBe(1);
    }
    expect(new Set(responses.map(issueIdOf))).toEqual(new Set(issues.map((i) => i.id)));
    // The repeat's photo, stored before its transaction, was removed again: no file without its row.
    expect(storedFiles()).toBe(await t.app.db.attachment.count());
  });

  it('100 residents add "me too" to one issue at once, 20 of them twice: one support each, the count equal to the rows', async () => {
    const issue = await makeIssue(t.app, w, { state: 'accepted', assignedParty: 'property' });
    const send = (app: FastifyInstance, r: Resident) =>
      residentClient(app, r, csrf).post(`/issues/${issue.id}/support`, { back: '/issues/public' });
    const sent = crowd.flatMap((r, i) => (i < 20 ? [send(apps[0], r), send(apps[1], r)] : [send(apps[i % 2]!, r)]));
    const responses = await Promise.all(sent);

    expectNoServerErrors(responses);
    expect(responses.map((r) => r.statusCode)).toEqual(sent.map(() => 303));
    const supports = await t.app.db.support.findMany({ where: { issueId: issue.id } });
    expect(supports.map((s) => s.userId).sort((a, b) => a - b)).toEqual(crowd.map((r) => r.userId).sort((a, b) => a - b));
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).supportCount).toBe(100);
  });
});

describe('a write lock held past every retry', () => {
  it("is answered with a 503 page asking to try again, in the reader's words, and the retry then goes through", async () => {
    const issue = await makeIssue(t.app, w, { state: 'accepted', assignedParty: 'property' });
    const resident = residentClient(t.app, crowd[0]!, csrf);
    // Another writer that does not let go (a stuck process, a long import) holds SQLite's one write lock.
    const stuck = new Database(t.config.databaseFile);
    stuck.prepare('BEGIN IMMEDIATE').run();
    let res: LightMyRequestResponse;
    try {
      res = await resident.post(`/issues/${issue.id}/support`, { back: '/issues/public' });
    } finally {
      stuck.prepare('ROLLBACK').run();
      stuck.close();
    }
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toContain('系统正忙，刚才的操作没有完成。请稍等几秒后再试一次。');
    expect(res.body).not.toMatch(/database is locked|SQLITE_BUSY/i);
    expect(await t.app.db.support.count({ where: { issueId: issue.id } })).toBe(0);

    expect((await resident.post(`/issues/${issue.id}/support`, { back: '/issues/public' })).statusCode).toBe(303);
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).supportCount).toBe(1);
  }, 45_000); // the request waits out the write patience (20 s) first
});

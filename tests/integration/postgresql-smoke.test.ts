import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePostgresql } from '../../src/cli/migrate-postgresql.ts';
import { formatShanghaiLocal } from '../../src/domain/deadlines.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { startCluster, type PgCluster } from '../helpers/postgres.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { fileThroughForm, versionOf } from './issues-fixtures.ts';
import { seedOwners, type Owners } from './votes-fixtures.ts';

/**
 * The app on PostgreSQL (issue #13, item 1), whatever database the rest of the suite runs on: its own
 * throwaway cluster, migrated by the PostgreSQL migrator, the app booted on a postgresql:// URL. One issue
 * goes from filing to the resident's confirmation, owners vote, and the hot pages read it all back.
 */

let cluster: PgCluster;
let t: TestApp;
let w: World;
let o: Owners;
let resident: Client;
let community: Client;
let property: Client;
let committee: Client;

const START = new Date('2026-11-20T02:00:00Z');
const DAY = 24 * 3600_000;

beforeAll(async () => {
  cluster = await startCluster();
  try {
    const url = await cluster.createDatabase('smoke');
    await migratePostgresql(url);
    t = await createTestApp({ databaseFile: url }, START);
    w = await makeWorld(t.app.db);
    o = await seedOwners(t.app.db, w);
    [resident, community, property, committee] = await Promise.all([
      loginAs(t.app, 'residenta'),
      loginAs(t.app, 'community'),
      loginAs(t.app, 'propertya'),
      loginAs(t.app, 'committeea'),
    ]);
  } catch (error) {
    cluster.stop();
    throw error;
  }
});
afterAll(async () => {
  await t?.close();
  cluster?.stop();
});

async function act(client: Client, id: number, action: string, form: Record<string, string> = {}) {
  await client.get(`/issues/${id}`);
  const res = await client.post(`/issues/${id}/actions/${action}`, { version: await versionOf(t.app, id), ...form });
  expect(res.statusCode, `${action}: ${res.body.slice(0, 500)}`).toBe(303);
}

describe('the app on PostgreSQL', () => {
  it('runs on the PostgreSQL database it was given, both for writes and for the read path', async () => {
    const rows = await t.app.db.$queryRawUnsafe<{ version: string }[]>('SELECT version() AS version');
    expect(rows[0]?.version).toMatch(/^PostgreSQL 15/);
    const read = await t.app.sql
      .selectFrom('Issue')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(read.n).toBe(0);
  });

  it('files an issue, works it to the resident’s confirmation, and shows it on the queue and its page', async () => {
    const id = await fileThroughForm(resident, { categoryId: w.cat('sanitation').id, title: '五号楼楼道灯坏了' });
    const issue = await t.app.db.issue.findUniqueOrThrow({ where: { id } });
    // the trigger ported from SQLite copies the estate's community onto the issue
    expect(issue.communityId).toBe(w.community.id);

    const queued = await community.get('/issues?view=open');
    expect(queued.statusCode).toBe(200);
    expect(queued.body).toContain('五号楼楼道灯坏了');
    const searched = await community.get(`/issues?view=all&q=${encodeURIComponent('楼道灯')}`);
    expect(searched.statusCode).toBe(200);
    expect(searched.body).toContain(`/issues/${id}`);
    const missed = await community.get(`/issues?view=all&q=${encodeURIComponent('电梯异响')}`);
    expect(missed.body).not.toContain(`/issues/${id}"`);

    await act(community, id, 'accept', { party: 'property', dueAt: formatShanghaiLocal(new Date(START.getTime() + 5 * DAY)) });
    await act(property, id, 'start');
    await act(property, id, 'resolve', { note: '已更换灯泡' });
    await act(resident, id, 'confirm', { rating: 'satisfied', ratingComment: '很快' });

    const closed = await t.app.db.issue.findUniqueOrThrow({ where: { id } });
    expect(closed.state).toBe('closed');
    const events = await t.app.db.issueEvent.findMany({ where: { issueId: id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['submit', 'accept', 'start', 'resolve', 'confirm']);

    const page = await resident.get(`/issues/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('五号楼楼道灯坏了');
    expect(page.body).toContain('已更换灯泡');
  });

  it('takes owners’ ballots and counts them on the vote page', async () => {
    await committee.get('/votes/new');
    const drafted = await committee.post('/votes', {
      estateId: String(w.estateA.id),
      issueId: '',
      matter: 'use_fund',
      title: '更换五号楼电梯',
      description: '',
      scope: 'buildings',
      buildingIds: [String(w.buildingA.id)],
      amount: '386,000.00',
      opensAt: '',
      closesAt: '2026-12-10T18:00',
      quotesText: '',
    });
    expect(drafted.statusCode, drafted.body.slice(0, 500)).toBe(303);
    const voteId = Number(/\/votes\/(\d+)/.exec(String(drafted.headers.location))?.[1]);
    await committee.get(`/votes/${voteId}`);
    expect((await committee.post(`/votes/${voteId}/open`)).statusCode).toBe(303);

    await resident.get(`/votes/${voteId}`);
    const ballot = await resident.post(`/votes/${voteId}/ballot`, { voterKey: o.keys.wang, choice: 'agree' });
    expect(ballot.statusCode, ballot.body.slice(0, 500)).toBe(303);
    const again = await resident.post(`/votes/${voteId}/ballot`, { voterKey: o.keys.wang, choice: 'agree' });
    expect(again.statusCode).toBeLessThan(500);
    expect(await t.app.db.ballot.count({ where: { proposalId: voteId } })).toBe(1);

    const page = await committee.get(`/votes/${voteId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('更换五号楼电梯');
  });

  it('serves the dashboard and the notice board', async () => {
    const dashboard = await community.get('/dashboard?period=week');
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain('<svg');
    const board = await resident.get('/notices');
    expect(board.statusCode).toBe(200);
    expect(board.body).toContain('更换五号楼电梯');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { makeIssue } from './issues-fixtures.ts';

let t: TestApp;
let world: World;
let community: Client;
const HOUR = 3600_000;
const DAY = 24 * HOUR;
let bouncingId: number;
let oldId: number;

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  const now = t.clock.now.getTime();
  const at = (days: number) => new Date(now - days * DAY);
  // Four valid issues of estate A filed 3 days ago (sanitation: respond 24 h, resolve 7 d), one rejected.
  const base = at(3);
  const accepted = new Date(base.getTime() + 2 * HOUR);
  await makeIssue(t.app, world, {
    createdAt: base,
    state: 'closed',
    assignedParty: 'property',
    acceptedAt: accepted,
    resolvedAt: new Date(base.getTime() + DAY),
    rating: 'satisfied',
  });
  await makeIssue(t.app, world, {
    createdAt: base,
    state: 'closed',
    assignedParty: 'property',
    acceptedAt: accepted,
    resolvedAt: new Date(base.getTime() + 2 * DAY),
    rating: 'basically_satisfied',
  });
  bouncingId = (
    await makeIssue(t.app, world, {
      title: '踢皮球的诉求',
      createdAt: base,
      state: 'accepted',
      assignedParty: 'committee',
      acceptedAt: new Date(base.getTime() + 30 * HOUR),
      handoffCount: 2,
    })
  ).id;
  await makeIssue(t.app, world, { createdAt: base, state: 'submitted', buildingId: world.buildingA2.id });
  await makeIssue(t.app, world, { createdAt: base, state: 'rejected' });
  // Outside the 7-day period but inside 30 days; and another community's issue, never counted.
  oldId = (
    await makeIssue(t.app, world, {
      title: '二十天前的',
      createdAt: at(20),
      state: 'submitted',
      estateId: world.estateB.id,
      buildingId: world.buildingB.id,
      reporterId: world.users.residentB.id,
    })
  ).id;
  await makeIssue(t.app, world, {
    title: '别的社区',
    createdAt: base,
    estateId: world.estateC.id,
    buildingId: null,
    reporterId: world.users.residentC.id,
    handoffCount: 5,
  });
  community = await loginAs(t.app, 'community');
});
afterAll(async () => t.close());

describe('the community dashboard', () => {
  it('shows the three rates with their fractions over the chosen period', async () => {
    const res = await community.get('/dashboard?days=7');
    expect(res.statusCode).toBe(200);
    const body = res.body;
    // response: 2 of 4 valid accepted within 24 h; resolution: 2 on time of 2 resolved; satisfaction: (1 + 0.9) / 2
    expect(body).toContain('50%');
    expect(body).toContain('(2 / 4)');
    expect(body).toContain('(2 / 2)');
    expect(body).toContain('95%');
    expect(body).toContain('(1.9 / 2)'); // satisfied + 0.9 × basically satisfied, over 2 rated
    expect(body).not.toContain('别的社区');
    expect(body).toContain('有效 4 件');
  });

  it('lists bouncing issues and breaks the figures down by party, estate, building, category and week', async () => {
    const body = (await community.get('/dashboard?days=7')).body;
    expect(body).toMatch(new RegExp(`href="/issues/${bouncingId}"[^>]*>[\\s\\S]*?踢皮球的诉求`));
    expect(body).toContain('转交 2 次');
    for (const caption of ['按责任方', '按小区', '按楼栋', '按类别', '按周'])
      expect(body).toContain(`<caption>${caption}</caption>`);
    expect(body).toContain('甲小区 6号楼');
    expect(body).toContain('环境卫生');
    expect(body).toMatch(/\d{4}-W\d{2}/);
  });

  it('a longer period takes in older issues', async () => {
    expect((await community.get('/dashboard?days=7')).body).toContain('有效 4 件');
    expect((await community.get('/dashboard?days=30')).body).toContain('有效 5 件');
    expect((await community.get('/dashboard?days=30')).body).toContain('乙小区');
    expect(oldId).toBeGreaterThan(0);
  });

  it('an htmx request gets only the figures, and an unknown period falls back to 30 days', async () => {
    const partial = await community.get('/dashboard?days=90', { 'hx-request': 'true' });
    expect(partial.statusCode).toBe(200);
    expect(partial.body).not.toContain('<html');
    expect((await community.get('/dashboard?days=12')).body).toContain('<option value="30" selected>');
  });

  it('is for community staff and admins only; everyone else gets a 404', async () => {
    for (const username of ['residenta', 'propertya', 'committeea']) {
      const client = await loginAs(t.app, username);
      expect((await client.get('/dashboard')).statusCode).toBe(404);
    }
    const admin = await loginAs(t.app, 'admin');
    const res = await admin.get('/dashboard?days=7');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('别的社区');
  });
});

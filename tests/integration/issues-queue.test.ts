import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { makeIssue } from './issues-fixtures.ts';

let t: TestApp;
let world: World;
let community: Client;
let property: Client;
let resident: Client;
let resident2: Client;
let residentB: Client;

const HOUR = 3600_000;
/** The issue ids of a queue page, in order. */
const ids = (body: string) =>
  [...body.matchAll(/<li class="issue-row[^"]*">\s*<a href="\/issues\/(\d+)"/g)].map((m) => Number(m[1]));
/** The page's link to the next page (keyset: `after` its last row), or null. */
const nextLink = (body: string) => /<a href="([^"]+)" rel="next"/.exec(body)?.[1]?.replaceAll('&amp;', '&') ?? null;

let oldest: number;
let supported: number;
let emergency: number;
let overdueOld: number;
let assignedProperty: number;
let assignedCommittee: number;
let estateB: number;
let privateIssue: number;
let closedPublic: number;

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  const now = t.clock.now.getTime();
  // submitted, oldest first apart from emergency and me-too
  overdueOld = (await makeIssue(t.app, world, { title: '超期的', createdAt: new Date(now - 10 * 24 * HOUR) })).id;
  oldest = (
    await makeIssue(t.app, world, { title: '最早的', createdAt: new Date(now - 5 * HOUR), buildingId: world.buildingA2.id })
  ).id;
  supported = (
    await makeIssue(t.app, world, {
      title: '附议多的',
      createdAt: new Date(now - 1 * HOUR),
      reporterId: world.users.residentA2.id,
    })
  ).id;
  emergency = (
    await makeIssue(t.app, world, { title: '电梯困人', category: 'lift_entrapment', createdAt: new Date(now - 0.5 * HOUR) })
  ).id;
  await t.app.db.support.createMany({
    data: [
      { issueId: supported, userId: world.users.residentA.id },
      { issueId: supported, userId: world.users.tenantA.id },
    ],
  });
  await t.app.db.issue.update({ where: { id: supported }, data: { supportCount: 2 } }); // kept with the rows, as supportIssue does
  assignedProperty = (
    await makeIssue(t.app, world, {
      title: '物业的',
      state: 'accepted',
      assignedParty: 'property',
      createdAt: new Date(now - 2 * HOUR),
    })
  ).id;
  assignedCommittee = (
    await makeIssue(t.app, world, { title: '业委会的', state: 'in_progress', assignedParty: 'committee', handoffCount: 2 })
  ).id;
  estateB = (
    await makeIssue(t.app, world, {
      title: '乙小区的',
      estateId: world.estateB.id,
      buildingId: world.buildingB.id,
      reporterId: world.users.residentB.id,
    })
  ).id;
  privateIssue = (
    await makeIssue(t.app, world, { title: '户内的', isPublic: false, reporterId: world.users.residentA2.id, buildingId: null })
  ).id;
  closedPublic = (await makeIssue(t.app, world, { title: '已关闭的', state: 'closed', reporterId: world.users.residentA2.id }))
    .id;
  [community, property, resident, resident2, residentB] = await Promise.all([
    loginAs(t.app, 'community'),
    loginAs(t.app, 'propertya'),
    loginAs(t.app, 'residenta'),
    loginAs(t.app, 'residenta2'),
    loginAs(t.app, 'residentb'),
  ]);
});
afterAll(async () => t.close());

describe('the staff queues', () => {
  it('community staff land on the issues to triage: emergencies first, then the most me-too, then the oldest', async () => {
    const res = await community.get('/issues');
    expect(res.statusCode).toBe(200);
    const order = ids(res.body);
    expect(order[0]).toBe(emergency);
    expect(order[1]).toBe(supported);
    expect(order.slice(2, 4)).toEqual([overdueOld, oldest]);
    expect(order).toContain(estateB);
    expect(order).not.toContain(assignedProperty);
    expect(res.body).toContain('aria-current="page">待受理');
  });

  it('filters narrow the queue: category, building, party, overdue only, emergency only', async () => {
    const byCategory = ids((await community.get(`/issues?view=all&category=${world.cat('lift_entrapment').id}`)).body);
    expect(byCategory).toEqual([emergency]);
    expect(ids((await community.get(`/issues?view=all&building=${world.buildingA2.id}`)).body)).toEqual([oldest]);
    expect(ids((await community.get('/issues?view=all&party=committee')).body)).toEqual([assignedCommittee]);
    expect(ids((await community.get('/issues?view=triage&overdue=1')).body)).toEqual([overdueOld]);
    expect(ids((await community.get('/issues?view=overdue')).body)).toEqual([overdueOld]);
    expect(ids((await community.get('/issues?view=all&emergency=1')).body)).toEqual([emergency]);
    expect(ids((await community.get('/issues?view=all&state=closed')).body)).toEqual([closedPublic]);
  });

  it('marks overdue and bouncing issues in the list', async () => {
    const body = (await community.get('/issues?view=all')).body;
    expect(body).toMatch(new RegExp(`href="/issues/${overdueOld}">[\\s\\S]*?overdue-tag`));
    expect(body).toMatch(new RegExp(`href="/issues/${assignedCommittee}">[\\s\\S]*?tag bouncing`));
  });

  it('an htmx request gets only the list, without the layout', async () => {
    const res = await community.get('/issues?view=all&emergency=1', { 'hx-request': 'true' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<html');
    expect(ids(res.body)).toEqual([emergency]);
  });

  it('property staff land on the open issues assigned to the property company of their estates', async () => {
    const res = await property.get('/issues');
    expect(ids(res.body)).toEqual([assignedProperty]);
    const all = ids((await property.get('/issues?view=all')).body);
    expect(all).not.toContain(estateB);
    expect(all).toContain(assignedCommittee);
  });

  it('pages through a long queue after the last row shown, keeping the filters in the pager links', async () => {
    for (let i = 0; i < 21; i += 1)
      await makeIssue(t.app, world, {
        category: 'parking',
        estateId: world.estateB.id,
        buildingId: world.buildingB.id,
        reporterId: world.users.residentB.id,
      });
    const cat = world.cat('parking').id;
    const first = await community.get(`/issues?view=all&category=${cat}`);
    expect(ids(first.body)).toHaveLength(20);
    const next = nextLink(first.body);
    expect(next).toContain(`category=${cat}`);
    expect(next).toContain('after=');
    const second = await community.get(next!);
    expect(ids(second.body)).toHaveLength(1);
    expect(ids(first.body)).not.toContain(ids(second.body)[0]);
    expect(nextLink(second.body)).toBeNull();
  });

  it('residents have no queue, and bad filter values are a 400, not a 500', async () => {
    expect((await resident.get('/issues')).statusCode).toBe(404);
    expect((await community.get('/issues?category=abc')).statusCode).toBe(400);
    expect((await community.get('/issues?after=bm90LWEtY3Vyc29y')).statusCode).toBe(400);
    expect((await community.get('/issues?after=<script>')).statusCode).toBe(400);
    expect((await community.get('/issues?category=99999999999')).statusCode).toBe(400);
    expect((await community.get('/issues?building=999999999')).statusCode).toBe(200);
    expect((await community.get('/issues?view=nonsense&party=martians&state=bogus')).statusCode).toBe(200);
  });
});

describe("the estate's public issues and me too", () => {
  it('lists the public issues of the resident estate with reporter names masked, never private or other estates', async () => {
    const res = await resident.get('/issues/public');
    expect(res.statusCode).toBe(200);
    const list = ids(res.body);
    expect(list).toContain(supported);
    expect(list).not.toContain(privateIssue);
    expect(list).not.toContain(estateB);
    expect(list).not.toContain(closedPublic);
    expect(res.body).toContain('李*');
    expect(res.body).not.toContain('李四');
    expect(ids((await resident.get('/issues/public?state=closed')).body)).toEqual([closedPublic]);
    expect((await community.get('/issues/public')).statusCode).toBe(404);
  });

  it('a me too is counted once however often it is sent', async () => {
    const target = (await makeIssue(t.app, world, { title: '路灯', reporterId: world.users.residentA2.id })).id;
    const page = await resident.get('/issues/public');
    expect(page.body).toContain(`action="/issues/${target}/support"`);
    const first = await resident.post(`/issues/${target}/support`, { back: '/issues/public?state=open' });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/issues/public?state=open');
    expect((await resident.post(`/issues/${target}/support`)).statusCode).toBe(303);
    expect(await t.app.db.support.count({ where: { issueId: target } })).toBe(1);
    const after = await resident.get(`/issues/${target}`);
    expect(after.body).toContain('1 人附议');
    expect(after.body).not.toContain(`action="/issues/${target}/support"`);
  });

  it('me too is refused on one’s own issue, on a closed issue, off-site and by staff', async () => {
    const own = await resident2.post(`/issues/${supported}/support`);
    expect(own.statusCode).toBe(400);
    expect((await resident.post(`/issues/${closedPublic}/support`)).statusCode).toBe(409);
    expect((await residentB.post(`/issues/${supported}/support`)).statusCode).toBe(404);
    expect((await resident.post(`/issues/${privateIssue}/support`)).statusCode).toBe(404);
    await community.get('/issues');
    expect((await community.post(`/issues/${supported}/support`)).statusCode).toBe(404);
    expect((await resident.post(`/issues/${estateB}/support`, { back: '//evil.example' })).statusCode).toBe(404);
    expect(await t.app.db.support.count({ where: { issueId: { in: [closedPublic, privateIssue, estateB] } } })).toBe(0);
  });

  it('an htmx me too answers with the updated row only', async () => {
    const target = (await makeIssue(t.app, world, { title: '健身器材坏了', reporterId: world.users.residentA2.id })).id;
    await resident.get('/issues/public');
    const res = await resident.post(`/issues/${target}/support`, { back: '/issues/public?state=open' }, { 'hx-request': 'true' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<html');
    expect(res.body.trim().startsWith('<li')).toBe(true);
    expect(res.body).toContain('1 人附议');
    expect(res.body).toContain('您已附议');
    expect(res.body).not.toContain('/support"');
  });

  it('me too without the CSRF token is refused', async () => {
    const target = (await makeIssue(t.app, world, { reporterId: world.users.residentA2.id })).id;
    expect((await resident.post(`/issues/${target}/support`, { _csrf: 'nope' })).statusCode).toBe(403);
    expect(await t.app.db.support.count({ where: { issueId: target } })).toBe(0);
  });
});

describe('every page of the workflow in both languages', () => {
  const rawKey =
    /(?<![\w/.-])(issues|action|state|party|rating|notifications|dashboard|fieldError|errors|time)\.[a-z][\w.]*[a-z]/;

  it.each(['zh-CN', 'en'])('no page shows a bare message key in %s', async (lang) => {
    const pages: [Client, string][] = [
      [community, '/issues'],
      [community, '/issues?view=all'],
      [community, `/issues/${assignedCommittee}`],
      [community, `/issues/${overdueOld}`],
      [community, '/dashboard'],
      [community, '/notifications'],
      [property, `/issues/${assignedProperty}`],
      [resident, '/issues/public'],
      [resident, `/issues/${supported}`],
    ];
    for (const [client, url] of pages) {
      client.setCookie('lang', lang);
      const res = await client.get(url);
      expect(res.statusCode, url).toBe(200);
      const text = res.body.replace(/<[^>]+>/g, ' ');
      expect(text.match(rawKey)?.[0], `${lang} ${url}`).toBeUndefined();
    }
    community.setCookie('lang', 'zh-CN');
    property.setCookie('lang', 'zh-CN');
    resident.setCookie('lang', 'zh-CN');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs } from '../helpers/client.ts';
import { makeIssue } from './issues-fixtures.ts';

let t: TestApp;
let world: World;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = new Date('2026-11-20T02:00:00Z'); // 10:00 in Shanghai

beforeAll(async () => {
  t = await createTestApp({}, START);
  world = await makeWorld(t.app.db);
});
afterAll(async () => t.close());

/** An ordinary issue of resident A in progress with the property, due 7 days after START. */
const inProgress = (opts: { isPublic?: boolean } = {}) =>
  makeIssue(t.app, world, { category: 'sanitation', state: 'in_progress', assignedParty: 'property', createdAt: START, ...opts });
const issueRow = (id: number) => t.app.db.issue.findUniqueOrThrow({ where: { id } });
const chaseEvents = (issueId: number) =>
  t.app.db.issueEvent.findMany({ where: { issueId, action: 'chase' }, orderBy: { id: 'asc' } });
const chaseForm = (id: number) => `action="/issues/${id}/chase"`;

describe('催办: the reporter chases an overdue issue', () => {
  it('offers no chase before the deadline, and refuses a forged one with the reason', async () => {
    t.clock.now = new Date(START.getTime() + 6 * DAY);
    const issue = await inProgress();
    const reporter = await loginAs(t.app, 'residenta');
    const page = await reporter.get(`/issues/${issue.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(chaseForm(issue.id));

    const res = await reporter.post(`/issues/${issue.id}/chase`, { chaseCount: '0' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('还没有超过办理时限，超过后才能催办。');
    expect((await issueRow(issue.id)).chaseCount).toBe(0);
    expect(await chaseEvents(issue.id)).toHaveLength(0);
  });

  it('chases once the deadline has passed: an event, the party and the community told, once a Shanghai day', async () => {
    t.clock.now = new Date(START.getTime() + 7 * DAY + HOUR); // 2026-11-27 11:00 in Shanghai
    const issue = await inProgress();
    const reporter = await loginAs(t.app, 'residenta');
    const page = await reporter.get(`/issues/${issue.id}`);
    expect(page.body).toContain(chaseForm(issue.id));
    expect(page.body).toContain('name="chaseCount" value="0"');

    const res = await reporter.post(`/issues/${issue.id}/chase`, { chaseCount: '0' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/issues/${issue.id}?done=chase#chase`);
    const row = await issueRow(issue.id);
    expect(row).toMatchObject({ chaseCount: 1, state: 'in_progress', version: issue.version });
    expect(row.lastChasedAt?.getTime()).toBe(t.clock.now.getTime());
    expect(await chaseEvents(issue.id)).toMatchObject([
      { actorId: world.users.residentA.id, actorRole: 'resident', fromState: 'in_progress', toState: 'in_progress' },
    ]);
    const told = await t.app.db.notification.findMany({ where: { issueId: issue.id, kind: 'issue_chased' } });
    expect(told.map((n) => n.userId).sort()).toEqual([world.users.propertyA.id, world.users.community.id].sort());

    const after = await reporter.get(`/issues/${issue.id}?done=chase`);
    expect(after.body).toContain('已催办，责任方和社区已收到提醒。');
    expect(after.body).toContain('已催办 1 次');
    expect(after.body).toContain('今天已经催办过，明天可再次催办。');
    expect(after.body).not.toContain(chaseForm(issue.id));
    expect(after.body).toMatch(/<strong>催办<\/strong>/);

    // The same form sent again (a double tap) changes nothing.
    const again = await reporter.post(`/issues/${issue.id}/chase`, { chaseCount: '0' });
    expect(again.statusCode).toBe(303);
    expect((await issueRow(issue.id)).chaseCount).toBe(1);

    // A second chase the same Shanghai day (23:59) is refused with the reason.
    t.clock.now = new Date('2026-11-27T15:59:00Z');
    const sameDay = await (await loginAs(t.app, 'residenta')).post(`/issues/${issue.id}/chase`, { chaseCount: '1' });
    expect(sameDay.statusCode).toBe(400);
    expect(sameDay.body).toContain('今天已经催办过，明天可再次催办。');
    expect(await chaseEvents(issue.id)).toHaveLength(1);

    // After midnight in Shanghai it may be chased again; the staff see the count.
    t.clock.now = new Date('2026-11-27T16:01:00Z');
    const nextDay = await (await loginAs(t.app, 'residenta')).post(`/issues/${issue.id}/chase`, { chaseCount: '1' });
    expect(nextDay.statusCode).toBe(303);
    expect((await issueRow(issue.id)).chaseCount).toBe(2);
    const property = await loginAs(t.app, 'propertya');
    expect((await property.get(`/issues/${issue.id}`)).body).toContain('已催办 2 次');
    expect((await property.get(`/issues?q=${issue.id}`)).body).toMatch(new RegExp(`已催办 2 次[\\s\\S]*#${issue.id}`));
    expect((await property.get('/notifications')).body).toContain(`居民催办诉求 #${issue.id}「${issue.title}」（第 2 次）`);
  });

  it('tells only the community while the issue waits to be accepted', async () => {
    t.clock.now = new Date(START.getTime() + DAY + HOUR);
    const issue = await makeIssue(t.app, world, { category: 'sanitation', createdAt: START });
    const reporter = await loginAs(t.app, 'residenta');
    expect((await reporter.post(`/issues/${issue.id}/chase`, { chaseCount: '0' })).statusCode).toBe(303);
    const told = await t.app.db.notification.findMany({ where: { issueId: issue.id, kind: 'issue_chased' } });
    expect(told.map((n) => n.userId)).toEqual([world.users.community.id]);
  });

  it('refuses a resolved issue: the resident confirms or reopens it instead', async () => {
    t.clock.now = new Date(START.getTime() + 8 * DAY);
    const issue = await makeIssue(t.app, world, {
      category: 'sanitation',
      state: 'resolved',
      assignedParty: 'property',
      resolvedAt: new Date(START.getTime() + 7 * DAY + HOUR),
      createdAt: START,
    });
    const res = await (await loginAs(t.app, 'residenta')).post(`/issues/${issue.id}/chase`, { chaseCount: '0' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('这条诉求已不在办理中，不能催办。');
    expect(await chaseEvents(issue.id)).toHaveLength(0);
  });
});

describe('who may chase', () => {
  it('is a 404 to a resident of another estate, to a neighbour on a private issue and to staff; a 403 to a neighbour on a public one', async () => {
    t.clock.now = new Date(START.getTime() + 8 * DAY);
    const pub = await inProgress();
    const priv = await inProgress({ isPublic: false });
    const other = await loginAs(t.app, 'residentc');
    expect((await other.post(`/issues/${pub.id}/chase`, { chaseCount: '0' })).statusCode).toBe(404);
    const neighbour = await loginAs(t.app, 'residenta2');
    expect((await neighbour.get(`/issues/${pub.id}`)).body).not.toContain(chaseForm(pub.id));
    const refused = await neighbour.post(`/issues/${pub.id}/chase`, { chaseCount: '0' });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('只有反映人本人可以催办。');
    expect((await neighbour.post(`/issues/${priv.id}/chase`, { chaseCount: '0' })).statusCode).toBe(404);
    const property = await loginAs(t.app, 'propertya');
    expect((await property.post(`/issues/${pub.id}/chase`, { chaseCount: '0' })).statusCode).toBe(404);
    for (const issue of [pub, priv]) expect((await issueRow(issue.id)).chaseCount).toBe(0);
  });

  it('refuses a form without the CSRF token, and bad input with a 400', async () => {
    t.clock.now = new Date(START.getTime() + 8 * DAY);
    const issue = await inProgress();
    const reporter = await loginAs(t.app, 'residenta');
    expect((await reporter.post(`/issues/${issue.id}/chase`, { chaseCount: '0', _csrf: 'forged' })).statusCode).toBe(403);
    expect((await reporter.post(`/issues/${issue.id}/chase`, { chaseCount: 'abc' })).statusCode).toBe(400);
    expect((await reporter.post(`/issues/${issue.id}/chase`, {})).statusCode).toBe(400);
    expect((await reporter.post('/issues/99999999999/chase', { chaseCount: '0' })).statusCode).toBe(400);
    expect((await reporter.post('/issues/2147483647/chase', { chaseCount: '0' })).statusCode).toBe(404);
    expect((await issueRow(issue.id)).chaseCount).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { formatShanghaiLocal } from '../../src/domain/deadlines.ts';
import { fileThroughForm, versionOf } from './issues-fixtures.ts';

/**
 * Issue #12, item 8: a resident hears the changes that matter about their issue, once, not every
 * internal move; the parties still hear their work.
 */
let t: TestApp;
let world: World;
let resident: Client;
let neighbour: Client;
let community: Client;
let property: Client;
let committee: Client;

const DAY = 24 * 3600_000;
const MINUTE = 60_000;
const dueIn = (days: number) => formatShanghaiLocal(new Date(t.clock.now.getTime() + days * DAY));

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  [resident, neighbour, community, property, committee] = await Promise.all([
    loginAs(t.app, 'residenta'),
    loginAs(t.app, 'residenta2'),
    loginAs(t.app, 'community'),
    loginAs(t.app, 'propertya'),
    loginAs(t.app, 'committeea'),
  ]);
});
afterAll(async () => t.close());

async function act(client: Client, id: number, action: string, form: Record<string, string> = {}) {
  await client.get(`/issues/${id}`);
  const res = await client.post(`/issues/${id}/actions/${action}`, { version: await versionOf(t.app, id), ...form });
  expect(res.statusCode, `${action}: ${res.body.slice(0, 300)}`).toBe(303);
}

const about = (userId: number, issueId: number) =>
  t.app.db.notification.findMany({ where: { userId, issueId }, orderBy: { id: 'asc' } });
const stateOf = (n: { paramsJson: string }) => (JSON.parse(n.paramsJson) as { state?: string }).state;

/** Seven moves in two minutes: accepted, started, handed on and back, reassigned, restarted. */
async function sevenQuickMoves(id: number) {
  const step = async (fn: () => Promise<void>) => {
    await fn();
    t.clock.now = new Date(t.clock.now.getTime() + 17_000);
  };
  await step(() => act(community, id, 'accept', { party: 'property', dueAt: dueIn(5) }));
  await step(() => act(property, id, 'start'));
  await step(() => act(property, id, 'handoff', { party: 'committee', reason: '涉及公共收益' }));
  await step(() => act(committee, id, 'start'));
  await step(() => act(community, id, 'reassign', { party: 'property', dueAt: dueIn(5) }));
  await step(() => act(property, id, 'start'));
  await step(() => act(property, id, 'handoff', { party: 'committee', reason: '仍归业委会' }));
}

describe('a resident is told what matters, once', () => {
  it('seven quick internal moves leave the resident one notice with the latest meaningful state, and staff their assignments', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('sanitation').id, title: '楼道堆满杂物' });
    await sevenQuickMoves(id);
    const mine = await about(world.users.residentA.id, id);
    expect(mine.length).toBeLessThanOrEqual(2);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ kind: 'issue_state_changed', readAt: null, held: false });
    expect(stateOf(mine[0]!)).toBe('in_progress');
    const inbox = await resident.get('/notifications');
    expect(inbox.body).toContain(`您反映的诉求 #${id}「楼道堆满杂物」状态变为：处理中`);
    // the parties hear their work: property its two assignments, the committee its two hand-offs
    const kinds = async (userId: number) => (await about(userId, id)).map((n) => n.kind);
    expect(await kinds(world.users.propertyA.id)).toEqual(['issue_assigned', 'issue_assigned']);
    expect(await kinds(world.users.committeeA.id)).toEqual(['issue_assigned', 'issue_assigned']);
    expect(await kinds(world.users.community.id)).toEqual(['issue_submitted']);
  });

  it('a notice already read is not replaced: the resolution arrives as a new one asking for a rating', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('sanitation').id });
    await act(community, id, 'accept', { party: 'property', dueAt: dueIn(5) });
    await act(property, id, 'start');
    const [first] = await about(world.users.residentA.id, id);
    await resident.get('/notifications');
    expect((await resident.post(`/notifications/${first!.id}/read`)).statusCode).toBe(303);
    await act(property, id, 'resolve', { note: '已清理' });
    const mine = await about(world.users.residentA.id, id);
    expect(mine.map((n) => n.kind)).toEqual(['issue_state_changed', 'issue_resolved_rate']);
    expect((await resident.get('/notifications')).body).toContain('已办结，请确认并评价');
  });

  it('an unread notice older than ten minutes stays, and the next change is a notice of its own', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('sanitation').id });
    await act(community, id, 'accept', { party: 'property', dueAt: dueIn(5) });
    t.clock.now = new Date(t.clock.now.getTime() + 11 * MINUTE);
    await act(property, id, 'start');
    const mine = await about(world.users.residentA.id, id);
    expect(mine.map(stateOf)).toEqual(['accepted', 'in_progress']);
  });

  it('a coalesced notice moves to the top of the inbox and is handed to outside channels again with its new state', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('sanitation').id });
    await act(community, id, 'accept', { party: 'property', dueAt: dueIn(5) });
    await t.app.db.notification.updateMany({ where: { issueId: id }, data: { deliveredAt: t.clock.now } });
    t.clock.now = new Date(t.clock.now.getTime() + MINUTE);
    await act(property, id, 'start');
    const [only] = await about(world.users.residentA.id, id);
    expect(only).toMatchObject({ deliveredAt: null, createdAt: t.clock.now });
    expect(stateOf(only!)).toBe('in_progress');
  });

  it('a rejection tells the reporter why', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('sanitation').id, title: '想装充电桩' });
    await act(community, id, 'reject', { reason: '属于业主个人事项，请联系物业报装' });
    const [told] = await about(world.users.residentA.id, id);
    expect(told?.kind).toBe('issue_rejected');
    expect((await resident.get('/notifications')).body).toContain('未予受理：属于业主个人事项，请联系物业报装');
  });
});

describe('followers', () => {
  it('a follower hears the meaningful changes of the issue they follow, and not its internal moves', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('sanitation').id, title: '单元门禁坏了' });
    await t.app.db.issueFollow.create({ data: { issueId: id, userId: world.users.residentA2.id, reason: 'support' } });
    await act(community, id, 'accept', { party: 'property', dueAt: dueIn(5) });
    const followed = await about(world.users.residentA2.id, id);
    expect(followed.map((n) => n.kind)).toEqual(['issue_state_changed']);
    await neighbour.get('/notifications');
    expect((await neighbour.post(`/notifications/${followed[0]!.id}/read`)).statusCode).toBe(303);
    await act(community, id, 'reassign', { party: 'committee', dueAt: dueIn(6) });
    expect(await about(world.users.residentA2.id, id)).toHaveLength(1);
    await act(committee, id, 'start');
    await act(committee, id, 'resolve', { note: '已修好' });
    const later = await about(world.users.residentA2.id, id);
    // the start is unread when the resolution comes, so one notice carries the latest: resolved
    expect(later).toHaveLength(2);
    expect(stateOf(later[1]!)).toBe('resolved');
    expect(later[1]!.kind).toBe('issue_state_changed');
  });

  it("a follower hears the reporter's reopen, which the reporter made and is not told of", async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('sanitation').id });
    await act(community, id, 'accept', { party: 'property', dueAt: dueIn(5) });
    await act(property, id, 'start');
    await act(property, id, 'resolve', { note: '已处理' });
    await t.app.db.issueFollow.create({ data: { issueId: id, userId: world.users.residentA2.id, reason: 'support' } });
    const reporterBefore = (await about(world.users.residentA.id, id)).length;
    await act(resident, id, 'reopen', { reason: '还是坏的' });
    expect(await about(world.users.residentA.id, id)).toHaveLength(reporterBefore);
    expect((await about(world.users.residentA2.id, id)).map(stateOf)).toEqual(['in_progress']);
    expect((await about(world.users.propertyA.id, id)).map((n) => n.kind)).toContain('issue_reopened');
  });
});

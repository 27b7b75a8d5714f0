import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { notify, type NewNotification } from '../../src/modules/notifications/index.ts';

/** Issue #12, item 8: each user chooses instant, a daily digest or nothing per topic; some kinds are mandatory. */
let t: TestApp;
let world: World;
let resident: Client;
let property: Client;

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  [resident, property] = await Promise.all([loginAs(t.app, 'residenta'), loginAs(t.app, 'propertya')]);
});
afterAll(async () => t.close());

const preferences = (userId: number) =>
  t.app.db.notificationPreference.findMany({ where: { userId }, orderBy: { topic: 'asc' }, select: { topic: true, mode: true } });
const send = (notes: NewNotification[]) => t.app.db.$transaction((tx) => notify(tx, notes, { now: t.clock.now }));
const staffForm = (overrides: Record<string, string> = {}) => ({
  pref_assigned_work: 'instant',
  pref_deadlines: 'instant',
  pref_meetings: 'instant',
  pref_votes: 'instant',
  pref_notices: 'instant',
  ...overrides,
});

describe('the preferences page', () => {
  it("offers a resident their issues' topics, not staff work, with the account topic shown as always on", async () => {
    const page = await resident.get('/notifications/preferences');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('通知设置');
    expect(page.body).toContain('name="pref_my_issues" value="instant" checked');
    expect(page.body).toContain('name="pref_followed_issues"');
    expect(page.body).not.toContain('name="pref_assigned_work"');
    expect(page.body).not.toContain('name="pref_account"');
    expect(page.body).toContain('总是即时通知，不可关闭');
  });

  it('saves a staff member’s choices, shows them checked, and touches no one else’s', async () => {
    await property.get('/notifications/preferences');
    const res = await property.post(
      '/notifications/preferences',
      staffForm({ pref_assigned_work: 'digest', pref_meetings: 'off' }),
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/notifications/preferences?saved=1');
    expect(await preferences(world.users.propertyA.id)).toEqual([
      { topic: 'assigned_work', mode: 'digest' },
      { topic: 'deadlines', mode: 'instant' },
      { topic: 'meetings', mode: 'off' },
      { topic: 'notices', mode: 'instant' },
      { topic: 'votes', mode: 'instant' },
    ]);
    expect(await t.app.db.notificationPreference.count({ where: { userId: { not: world.users.propertyA.id } } })).toBe(0);
    const page = await property.get('/notifications/preferences?saved=1');
    expect(page.body).toContain('通知设置已保存');
    expect(page.body).toContain('name="pref_assigned_work" value="digest" checked');
    expect(page.body).toContain('name="pref_meetings" value="off" checked');
  });

  it('saving the same form twice leaves the same rows', async () => {
    await property.get('/notifications/preferences');
    const form = staffForm({ pref_assigned_work: 'digest', pref_meetings: 'off' });
    expect((await property.post('/notifications/preferences', form)).statusCode).toBe(303);
    expect((await property.post('/notifications/preferences', form)).statusCode).toBe(303);
    expect(await preferences(world.users.propertyA.id)).toHaveLength(5);
  });

  it('a mode it does not know, or a topic left out, is a 400 with the form and its error, and nothing is saved', async () => {
    await resident.get('/notifications/preferences');
    const bad = await resident.post('/notifications/preferences', {
      pref_my_issues: 'sometimes',
      pref_followed_issues: 'instant',
      pref_meetings: 'instant',
      pref_votes: 'instant',
      pref_notices: 'instant',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="err-pref_my_issues"');
    const missing = await resident.post('/notifications/preferences', { pref_my_issues: 'off' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('id="err-pref_votes"');
    expect(missing.body).toContain('name="pref_my_issues" value="off" checked');
    expect(await preferences(world.users.residentA.id)).toEqual([]);
  });

  it('needs the CSRF token and a login', async () => {
    await resident.get('/notifications/preferences');
    const forged = await resident.post('/notifications/preferences', { _csrf: 'nope', pref_my_issues: 'off' });
    expect(forged.statusCode).toBe(403);
    const anonymous = await t.app.inject({ method: 'GET', url: '/notifications/preferences' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toContain('/login');
  });

  it('ignores a topic the reader is not offered: a resident cannot set staff topics or turn the account topic off', async () => {
    await resident.get('/notifications/preferences');
    const res = await resident.post('/notifications/preferences', {
      pref_my_issues: 'instant',
      pref_followed_issues: 'digest',
      pref_meetings: 'instant',
      pref_votes: 'off',
      pref_notices: 'digest',
      pref_assigned_work: 'off',
      pref_account: 'off',
    });
    expect(res.statusCode).toBe(303);
    const topics = (await preferences(world.users.residentA.id)).map((p) => p.topic);
    expect(topics).toEqual(['followed_issues', 'meetings', 'my_issues', 'notices', 'votes']);
  });
});

describe('notify honours the reader’s choices', () => {
  it('instant writes an unread row, digest holds it out of the unread count, off writes nothing', async () => {
    const userId = world.users.propertyA.id; // assigned_work: digest, meetings: off (saved above)
    const before = await t.app.db.notification.count({ where: { userId } });
    const written = await send([
      { userId, kind: 'issue_assigned', params: { id: 1, title: '甲' }, link: '/issues/1' },
      { userId, kind: 'meeting_changed', params: { title: '例会' }, link: '/meetings/1' },
      { userId, kind: 'issue_overdue', params: { id: 2, title: '乙', deadline: 'resolve' }, link: '/issues/2' },
    ]);
    expect(written).toBe(2);
    const rows = await t.app.db.notification.findMany({ where: { userId }, orderBy: { id: 'asc' }, skip: before });
    expect(rows.map((r) => [r.kind, r.held])).toEqual([
      ['issue_assigned', true],
      ['issue_overdue', false],
    ]);
    const page = await property.get('/notifications');
    expect(page.body).toContain('1 条未读');
    expect(page.body).toContain('将在明早汇总中送达');
    expect(page.body).toMatch(/class="nav-bell"[^>]*aria-label="[^"]*1[^"]*"/);
    const unreadOnly = await property.get('/notifications?unread=1');
    expect(unreadOnly.body).not.toContain('诉求 #1「甲」');
  });

  it('mandatory kinds arrive at once whatever the setting: an emergency to triage, a vote opening, account security', async () => {
    const userId = world.users.propertyA.id;
    await t.app.db.notificationPreference.update({ where: { userId_topic: { userId, topic: 'votes' } }, data: { mode: 'off' } });
    await t.app.db.notificationPreference.update({
      where: { userId_topic: { userId, topic: 'assigned_work' } },
      data: { mode: 'off' },
    });
    // a topic row for the account topic can only come from outside the page; it is ignored all the same
    await t.app.db.notificationPreference.create({ data: { userId, topic: 'account', mode: 'off' } });
    const written = await send([
      { userId, kind: 'issue_submitted_emergency', params: { id: 3, title: '电梯困人' } },
      { userId, kind: 'vote_opened', params: { title: '更换水泵', closesAt: '12月1日' } },
      { userId, kind: 'ballot_cast_online', params: { by: '某人', title: '更换水泵', choice: 'yes', at: '今天' } },
      { userId, kind: 'issue_assigned', params: { id: 4, title: '丙' } },
      { userId, kind: 'vote_result', params: { title: '更换水泵', result: '通过' } },
    ]);
    expect(written).toBe(3);
    const latest = await t.app.db.notification.findMany({ where: { userId }, orderBy: { id: 'desc' }, take: 3 });
    expect(latest.map((r) => [r.kind, r.held]).reverse()).toEqual([
      ['issue_submitted_emergency', false],
      ['vote_opened', false],
      ['ballot_cast_online', false],
    ]);
  });

  it('a resident who turned their issues off hears nothing of them; another resident still does', async () => {
    const off = world.users.residentA.id;
    await t.app.db.notificationPreference.upsert({
      where: { userId_topic: { userId: off, topic: 'my_issues' } },
      create: { userId: off, topic: 'my_issues', mode: 'off' },
      update: { mode: 'off' },
    });
    const note = (userId: number): NewNotification => ({
      userId,
      kind: 'issue_state_changed',
      params: { id: 9, title: '丁', state: 'accepted' },
    });
    expect(await send([note(off), note(world.users.residentA2.id)])).toBe(1);
  });
});

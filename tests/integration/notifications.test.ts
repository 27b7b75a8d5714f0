import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { formatShanghaiLocal } from '../../src/domain/deadlines.ts';
import { jobs, notify, type DeliveryChannel, type NewNotification } from '../../src/modules/notifications/index.ts';
import { fileThroughForm, versionOf } from './issues-fixtures.ts';

let t: TestApp;
let world: World;
let resident: Client;
let community: Client;
let property: Client;

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  [resident, community, property] = await Promise.all([
    loginAs(t.app, 'residenta'),
    loginAs(t.app, 'community'),
    loginAs(t.app, 'propertya'),
  ]);
});
afterAll(async () => t.close());

const deliverNotificationsJob = jobs.find((j) => j.name === 'deliver-notifications')!;
const unread = (userId: number) => t.app.db.notification.count({ where: { userId, readAt: null } });

async function accept(id: number, version?: string) {
  await community.get(`/issues/${id}`);
  return community.post(`/issues/${id}/actions/accept`, {
    version: version ?? (await versionOf(t.app, id)),
    party: 'property',
    dueAt: formatShanghaiLocal(new Date(t.clock.now.getTime() + 3 * 24 * 3600_000)),
  });
}

describe('in-app notifications', () => {
  it('the reporter is told of a state change, in their language, with an unread count in the header and a link to the issue', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('sanitation').id, title: '垃圾没清' });
    expect((await accept(id)).statusCode).toBe(303);
    const page = await resident.get('/notifications');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`您反映的诉求 #${id}「垃圾没清」状态变为：已受理`);
    expect(page.body).toContain(`href="/issues/${id}"`);
    expect(page.body).toContain('class="badge"');
    const staffInbox = await community.get('/notifications');
    expect(staffInbox.body).toContain(`新诉求待受理：#${id}「垃圾没清」`);
    const propertyInbox = await property.get('/notifications');
    expect(propertyInbox.body).toContain(`诉求 #${id}「垃圾没清」已分派给您方办理`);
  });

  it('marking one as read lowers the count; "open" marks it read and follows its link', async () => {
    const before = await unread(world.users.residentA.id);
    const n = await t.app.db.notification.findFirstOrThrow({ where: { userId: world.users.residentA.id, readAt: null } });
    await resident.get('/notifications');
    const res = await resident.post(`/notifications/${n.id}/read`, { open: '1' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/issues/${n.issueId}`);
    expect(await unread(world.users.residentA.id)).toBe(before - 1);
    expect((await resident.post(`/notifications/${n.id}/read`)).headers.location).toBe('/notifications');
    expect(await unread(world.users.residentA.id)).toBe(before - 1);
  });

  it("another user's notification is a 404 and stays unread", async () => {
    const n = await t.app.db.notification.findFirstOrThrow({ where: { userId: world.users.community.id, readAt: null } });
    await resident.get('/notifications');
    expect((await resident.post(`/notifications/${n.id}/read`)).statusCode).toBe(404);
    expect((await t.app.db.notification.findUniqueOrThrow({ where: { id: n.id } })).readAt).toBeNull();
    expect((await resident.post('/notifications/abc/read')).statusCode).toBe(400);
  });

  it.each(['0', '-1', '1.5', '2147483648', '99999999999999999999'])('an id of %s is a 400 page, not a 500', async (id) => {
    await resident.get('/notifications');
    const res = await resident.post(`/notifications/${id}/read`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('提交的内容有误');
  });

  it('a mark-read form with a value it does not know is a 400 and changes nothing', async () => {
    const n = await t.app.db.notification.findFirstOrThrow({ where: { userId: world.users.community.id, readAt: null } });
    await community.get('/notifications');
    const res = await community.post(`/notifications/${n.id}/read`, { open: 'yes' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请求无效');
    expect((await t.app.db.notification.findUniqueOrThrow({ where: { id: n.id } })).readAt).toBeNull();
  });

  it('mark all as read clears only my unread ones, and needs the CSRF token', async () => {
    await community.get('/notifications');
    expect((await community.post('/notifications/read-all', { _csrf: '' })).statusCode).toBe(403);
    expect(await unread(world.users.community.id)).toBeGreaterThan(0);
    const propertyUnread = await unread(world.users.propertyA.id);
    expect((await community.post('/notifications/read-all')).statusCode).toBe(303);
    expect(await unread(world.users.community.id)).toBe(0);
    expect(await unread(world.users.propertyA.id)).toBe(propertyUnread);
    const page = await community.get('/notifications');
    expect(page.body).not.toContain('class="badge"');
  });

  it('renders any kind through its catalogue key, survives bad parameters, and pages', async () => {
    const userId = world.users.committeeA.id;
    await t.app.db.notification.createMany({
      data: Array.from({ length: 21 }, (_, i) => ({
        userId,
        kind: 'issue_assigned',
        paramsJson: JSON.stringify({ id: i + 1, title: `t${i}` }),
        createdAt: new Date(t.clock.now.getTime() - (i + 10) * 60_000),
      })),
    });
    await t.app.db.notification.create({
      data: { userId, kind: 'some_future_kind', paramsJson: 'not json', createdAt: t.clock.now },
    });
    const committee = await loginAs(t.app, 'committeea');
    const first = await committee.get('/notifications');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('notifications.kind.some_future_kind');
    expect(first.body).toContain('page=2');
    const second = await committee.get('/notifications?page=2');
    expect(second.statusCode).toBe(200);
    expect((second.body.match(/<li class="notification/g) ?? []).length).toBe(2);
    const unreadOnly = await committee.get('/notifications?unread=1');
    expect(unreadOnly.statusCode).toBe(200);
  });

  it('needs a login', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/notifications' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('/login');
  });
});

describe('delivery channels', () => {
  it('the app runs every module’s jobs with notification delivery last, after the jobs that notify', () => {
    const names = t.app.jobs.map((j) => j.name);
    expect(names).toContain('purge-expired-sessions');
    expect(names.at(-1)).toBe('deliver-notifications');
    expect(new Set(names).size).toBe(names.length);
  });

  it('the app holds the in-app channel and a log channel', () => {
    expect(t.app.deliveryChannels.map((c) => c.name)).toEqual(['in-app', 'log']);
  });

  it('outside channels get committed notifications from the delivery job, once, and nothing from a failed action', async () => {
    const delivered: NewNotification[] = [];
    const recorder: DeliveryChannel = { name: 'test', deliver: async (ns) => void delivered.push(...ns) };
    const broken: DeliveryChannel = {
      name: 'broken',
      deliver: async () => {
        throw new Error('gateway down');
      },
    };
    const deliver = () => deliverNotificationsJob.run(t.app, t.clock.now);
    t.app.deliveryChannels.push(broken, recorder);
    try {
      await deliver(); // whatever earlier tests left
      delivered.length = 0;
      const id = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
      const stale = await versionOf(t.app, id);
      expect((await accept(id)).statusCode).toBe(303);
      expect(delivered).toEqual([]); // nothing leaves before the job runs
      await deliver();
      expect(
        delivered
          .filter((n) => n.issueId === id)
          .map((n) => [n.kind, n.userId])
          .sort(),
      ).toEqual(
        [
          ['issue_submitted', world.users.community.id],
          ['issue_assigned', world.users.propertyA.id],
          ['issue_state_changed', world.users.residentA.id],
        ].sort(),
      );
      // a failing channel did not hold back the others, and every row is stamped delivered
      expect(await t.app.db.notification.count({ where: { deliveredAt: null } })).toBe(0);
      delivered.length = 0;
      await deliver();
      expect(delivered).toEqual([]); // delivered once
      expect((await accept(id, stale)).statusCode).toBe(409);
      await deliver();
      expect(delivered).toEqual([]); // a rolled-back action wrote no rows, so nothing is sent
    } finally {
      t.app.deliveryChannels.splice(t.app.deliveryChannels.indexOf(broken), 2);
    }
  });

  it('notifications written by other features (a meeting invitation) reach the outside channels too', async () => {
    const delivered: NewNotification[] = [];
    t.app.deliveryChannels.push({ name: 'test', deliver: async (ns) => void delivered.push(...ns) });
    try {
      await deliverNotificationsJob.run(t.app, t.clock.now);
      delivered.length = 0;
      await t.app.db.$transaction((tx) =>
        notify(tx, [
          { userId: world.users.committeeA.id, kind: 'meeting_invited', params: { title: '联席会议' }, link: '/meetings/1' },
        ]),
      );
      await deliverNotificationsJob.run(t.app, t.clock.now);
      expect(delivered.map((n) => [n.kind, n.userId, n.params])).toEqual([
        ['meeting_invited', world.users.committeeA.id, { title: '联席会议' }],
      ]);
    } finally {
      t.app.deliveryChannels.pop();
    }
  });
});

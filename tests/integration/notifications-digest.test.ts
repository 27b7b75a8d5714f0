import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs } from '../helpers/client.ts';
import { runJobsOnce } from '../../src/scheduler.ts';
import { jobs, notify, unreadCount, type NewNotification } from '../../src/modules/notifications/index.ts';

/**
 * Issue #12, item 8: staff who chose a daily digest get one notice a day at 08:00 Shanghai for what was
 * held for them; held rows are neither counted unread nor handed to outside channels until then.
 */
let t: TestApp;
let world: World;
const delivered: NewNotification[] = [];
const digestJob = jobs.find((j) => j.name === 'notification-digests')!;
const deliverJob = jobs.find((j) => j.name === 'deliver-notifications')!;

// 2026-11-20 10:00 Shanghai is the test app's start; the digests are cut at 08:00 Shanghai (00:00 UTC).
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  t.app.deliveryChannels.push({ name: 'recorder', deliver: async (ns) => void delivered.push(...ns) });
  for (const userId of [world.users.propertyA.id, world.users.committeeA.id]) {
    await t.app.db.notificationPreference.create({ data: { userId, topic: 'assigned_work', mode: 'digest' } });
  }
});
afterAll(async () => t.close());

const send = (now: Date, notes: NewNotification[]) => t.app.db.$transaction((tx) => notify(tx, notes, { now }));
const assigned = (userId: number, id: number): NewNotification => ({
  userId,
  kind: 'issue_assigned',
  params: { id, title: `诉求${id}` },
  link: `/issues/${id}`,
});
const digests = (userId?: number) =>
  t.app.db.notification.findMany({ where: { kind: 'digest', ...(userId ? { userId } : {}) }, orderBy: { id: 'asc' } });
const held = (userId: number) => t.app.db.notification.count({ where: { userId, held: true } });

describe('the daily digest', () => {
  it('holds digest rows out of the unread count and away from the outside channels', async () => {
    const property = world.users.propertyA.id;
    await send(at('2026-11-20T02:00:00Z'), [assigned(property, 1), assigned(world.users.committeeA.id, 2)]);
    await send(at('2026-11-20T07:00:00Z'), [
      assigned(property, 3),
      { userId: property, kind: 'issue_overdue', params: { id: 4, title: '超期', deadline: 'resolve' } },
    ]);
    await send(at('2026-11-20T15:00:00Z'), [assigned(property, 5)]);
    // one held row the reader has already looked at in the inbox: the digest does not count it
    const seen = await t.app.db.notification.findFirstOrThrow({
      where: { userId: property, held: true },
      orderBy: { id: 'desc' },
    });
    await t.app.db.notification.update({ where: { id: seen.id }, data: { readAt: at('2026-11-20T15:30:00Z') } });
    expect(await held(property)).toBe(3);
    expect(await unreadCount(t.app.db, property)).toBe(1);
    await deliverJob.run(t.app, at('2026-11-20T16:00:00Z'));
    expect(delivered.filter((n) => n.userId === property).map((n) => n.kind)).toEqual(['issue_overdue']);
    const bell = await (await loginAs(t.app, 'propertya')).get('/notifications');
    expect(bell.body).toMatch(/class="nav-bell"[^>]*aria-label="[^"]*1[^"]*"/);
  });

  it('waits for 08:00 Shanghai: at 07:59 nothing is digested', async () => {
    await digestJob.run(t.app, at('2026-11-20T23:59:00Z'));
    expect(await digests()).toEqual([]);
    expect(await held(world.users.propertyA.id)).toBe(3);
  });

  it('at 08:00 each reader with held rows gets one digest, and the rows are released as read and delivered', async () => {
    const now = at('2026-11-21T00:00:00Z');
    const report = await runJobsOnce(t.app, now, { holder: 'test' });
    expect(report.ran).toContain('notification-digests');
    const [forProperty] = await digests(world.users.propertyA.id);
    const [forCommittee] = await digests(world.users.committeeA.id);
    expect(forProperty).toMatchObject({ readAt: null, held: false, dedupeKey: `digest:${world.users.propertyA.id}:2026-11-21` });
    expect(JSON.parse(forProperty!.paramsJson)).toEqual({ n: 2, day: '2026-11-21' });
    expect(JSON.parse(forCommittee!.paramsJson)).toEqual({ n: 1, day: '2026-11-21' });
    expect(forProperty!.link).toBe(`/notifications?digest=${forProperty!.id}`);
    expect(await held(world.users.propertyA.id)).toBe(0);
    expect(await unreadCount(t.app.db, world.users.propertyA.id)).toBe(2); // the overdue warning and the digest
    const released = await t.app.db.notification.findMany({
      where: { userId: world.users.propertyA.id, kind: 'issue_assigned' },
    });
    expect(released.every((r) => r.deliveredAt !== null && r.readAt !== null)).toBe(true);
    // the same run's delivery handed the outside channels the digests, not the rows they gathered
    const handed = delivered.filter((n) => n.kind === 'issue_assigned' || n.kind === 'digest');
    expect(handed.map((n) => [n.kind, n.userId]).sort()).toEqual(
      [
        ['digest', world.users.committeeA.id],
        ['digest', world.users.propertyA.id],
      ].sort(),
    );
  });

  it('running again, at the same instant or later that day, writes no second digest and leaves new held rows for tomorrow', async () => {
    await digestJob.run(t.app, at('2026-11-21T00:00:00Z'));
    await send(at('2026-11-21T00:30:00Z'), [assigned(world.users.propertyA.id, 6)]);
    // a row held before the cutoff but committed after the digest (a transaction straddling 08:00) joins it
    await send(at('2026-11-20T23:59:59Z'), [assigned(world.users.propertyA.id, 7)]);
    await runJobsOnce(t.app, at('2026-11-21T01:00:00Z'), { holder: 'test' });
    await digestJob.run(t.app, at('2026-11-21T09:00:00Z'));
    const [only] = await digests(world.users.propertyA.id);
    expect(await digests(world.users.propertyA.id)).toHaveLength(1);
    expect(JSON.parse(only!.paramsJson)).toEqual({ n: 3, day: '2026-11-21' });
    expect(await held(world.users.propertyA.id)).toBe(1);
    await digestJob.run(t.app, at('2026-11-22T00:00:00Z'));
    const both = await digests(world.users.propertyA.id);
    expect(both.map((d) => d.dedupeKey)).toEqual([
      `digest:${world.users.propertyA.id}:2026-11-21`,
      `digest:${world.users.propertyA.id}:2026-11-22`,
    ]);
  });

  it('the digest opens the inbox filtered to the rows it gathered, for its reader only', async () => {
    const [first] = await digests(world.users.propertyA.id);
    const property = await loginAs(t.app, 'propertya');
    const inbox = await property.get('/notifications');
    expect(inbox.body).toContain('昨日 3 条动态');
    const page = await property.get(`/notifications?digest=${first!.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('2026-11-21 汇总的动态');
    expect(page.body).toContain('诉求 #1「诉求1」已分派给您方办理');
    expect(page.body).toContain('诉求 #3「诉求3」已分派给您方办理');
    expect(page.body).toContain('诉求 #7「诉求7」已分派给您方办理');
    expect(page.body).not.toContain('诉求 #5「诉求5」'); // read before the digest
    expect(page.body).not.toContain('诉求 #6「诉求6」'); // the next day's
    const committee = await loginAs(t.app, 'committeea');
    expect((await committee.get(`/notifications?digest=${first!.id}`)).statusCode).toBe(404);
    expect((await committee.get('/notifications?digest=0')).statusCode).toBe(400);
  });
});

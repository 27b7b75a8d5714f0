import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs } from '../helpers/client.ts';
import { planOf, scansOf, statementLog } from '../helpers/plans.ts';
import { jobs, notify, unreadCount } from '../../src/modules/notifications/index.ts';
import { makeIssue } from './issues-fixtures.ts';

/**
 * The statements restraint added (preferences, coalescing, the held filter, the digest) reach the
 * Notification table by index only: a busy staff inbox grows by thousands of rows.
 */
let t: TestApp;
let world: World;
const log = statementLog();

beforeAll(async () => {
  t = await createTestApp({}, undefined, log.onStatement);
  world = await makeWorld(t.app.db);
  await t.app.db.notificationPreference.create({
    data: { userId: world.users.propertyA.id, topic: 'assigned_work', mode: 'digest' },
  });
});
afterAll(async () => t.close());

const touchingNotifications = (statements: string[]) => statements.filter((s) => /["`]Notification["`]/.test(s));

describe('notification statements', () => {
  it('writing, coalescing, counting, listing, digesting and delivering never scan the Notification table', async () => {
    const now = t.clock.now;
    const resident = world.users.residentA.id;
    const issue = await makeIssue(t.app, world, { reporterId: resident });
    const state = (s: string) => ({
      userId: resident,
      kind: 'issue_state_changed',
      issueId: issue.id,
      params: { id: issue.id, title: 'x', state: s },
    });
    const { statements } = await log.captured(async () => {
      await t.app.db.$transaction((tx) => notify(tx, [state('accepted')], { now }));
      await t.app.db.$transaction((tx) => notify(tx, [state('in_progress')], { now }));
      await t.app.db.$transaction((tx) =>
        notify(tx, [{ userId: world.users.propertyA.id, kind: 'issue_assigned', params: { id: 1, title: 'x' } }], { now }),
      );
      await unreadCount(t.app.db, resident);
      await (await loginAs(t.app, 'propertya')).get('/notifications?unread=1');
      for (const job of jobs) await job.run(t.app, new Date(now.getTime() + 86_400_000));
    });
    const mine = touchingNotifications(statements);
    expect(mine.length).toBeGreaterThan(8);
    // the second state notice replaced the first: it was looked up, then updated
    expect(mine.some((s) => /^UPDATE .*Notification.* SET .*`createdAt`/.test(s))).toBe(true);
    expect(await t.app.db.notification.count({ where: { userId: resident, issueId: issue.id } })).toBe(1);
    for (const statement of mine) expect(scansOf(t.config.databaseFile, statement), statement).toEqual([]);
  });

  it('the unread count and the coalescing lookup search the (userId, readAt, createdAt) index, not the held one', async () => {
    const issue = await makeIssue(t.app, world, { reporterId: world.users.residentA2.id });
    const note = {
      userId: world.users.residentA2.id,
      kind: 'issue_state_changed',
      issueId: issue.id,
      params: { state: 'accepted' },
    };
    const { statements } = await log.captured(async () => {
      await unreadCount(t.app.db, world.users.residentA2.id);
      await t.app.db.$transaction((tx) => notify(tx, [note], { now: t.clock.now }));
    });
    const [count] = touchingNotifications(statements);
    expect(planOf(t.config.databaseFile, count!).join('\n')).toMatch(/Notification_userId_readAt_createdAt_idx/);
    const coalesce = statements.find((s) => /^SELECT .*`kind` IN/.test(s));
    expect(coalesce).toBeDefined();
    expect(planOf(t.config.databaseFile, coalesce!).join('\n')).toMatch(/Notification_userId_readAt_createdAt_idx/);
  });
});

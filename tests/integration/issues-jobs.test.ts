import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { actorFor, makeWorld, type World } from '../helpers/world.ts';
import { loginAs } from '../helpers/client.ts';
import { autoCloseJob, overdueJob, performIssueAction } from '../../src/modules/issues/index.ts';
import { makeIssue } from './issues-fixtures.ts';

let t: TestApp;
let world: World;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
});
afterAll(async () => t.close());

describe('scheduled jobs of the issue workflow', () => {
  it('both jobs are in the scheduler', () => {
    expect(t.app.jobs).toContain(autoCloseJob);
    expect(t.app.jobs).toContain(overdueJob);
  });

  it('a resolved issue closes by itself 7 days after resolution, not before, with a system event and the reporter told', async () => {
    const start = t.clock.now;
    const issue = await makeIssue(t.app, world, {
      state: 'resolved',
      assignedParty: 'property',
      resolvedAt: start,
      acceptedAt: start,
    });
    const fresh = await makeIssue(t.app, world, {
      state: 'resolved',
      assignedParty: 'property',
      resolvedAt: new Date(start.getTime() + 2 * DAY),
    });

    await autoCloseJob.run(t.app, new Date(start.getTime() + 7 * DAY - 60_000));
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).state).toBe('resolved');

    const later = new Date(start.getTime() + 7 * DAY + 60_000);
    await autoCloseJob.run(t.app, later);
    const closed = await t.app.db.issue.findUniqueOrThrow({ where: { id: issue.id } });
    expect(closed.state).toBe('closed');
    expect(closed.closedAt?.getTime()).toBe(later.getTime());
    expect(closed.rating).toBeNull();
    const event = await t.app.db.issueEvent.findFirstOrThrow({ where: { issueId: issue.id, action: 'auto_close' } });
    expect(event).toMatchObject({ actorId: null, actorRole: 'system', fromState: 'resolved', toState: 'closed' });
    expect(
      await t.app.db.notification.count({
        where: { issueId: issue.id, userId: world.users.residentA.id, kind: 'issue_state_changed' },
      }),
    ).toBe(1);
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: fresh.id } })).state).toBe('resolved');

    await autoCloseJob.run(t.app, new Date(later.getTime() + 60_000));
    expect(await t.app.db.issueEvent.count({ where: { issueId: issue.id, action: 'auto_close' } })).toBe(1);
  });

  it('tells the community staff (and for resolution the assigned party) once when an issue passes its response or resolution deadline', async () => {
    const start = t.clock.now;
    const unanswered = await makeIssue(t.app, world, { category: 'sanitation', createdAt: start });
    const staffActor = actorFor(world.users.community, [world.estateA.id, world.estateB.id], { communityId: world.community.id });
    const slow = await makeIssue(t.app, world, {
      category: 'sanitation',
      state: 'in_progress',
      assignedParty: 'property',
      createdAt: start,
    });
    const other = await makeIssue(t.app, world, {
      category: 'sanitation',
      estateId: world.estateC.id,
      buildingId: null,
      reporterId: world.users.residentC.id,
      createdAt: start,
    });
    const done = await makeIssue(t.app, world, { category: 'sanitation', state: 'closed', createdAt: start });

    await overdueJob.run(t.app, new Date(start.getTime() + 23 * HOUR));
    expect(await t.app.db.notification.count({ where: { kind: 'issue_overdue' } })).toBe(0);

    await overdueJob.run(t.app, new Date(start.getTime() + 25 * HOUR));
    const first = await t.app.db.notification.findMany({ where: { kind: 'issue_overdue' }, orderBy: { id: 'asc' } });
    expect(first.map((n) => [n.issueId, n.userId])).toEqual([
      [unanswered.id, world.users.community.id],
      [other.id, world.users.otherCommunityStaff.id],
    ]);
    expect(JSON.parse(first[0]?.paramsJson ?? '{}')).toMatchObject({ deadline: 'respond' });

    await overdueJob.run(t.app, new Date(start.getTime() + 8 * DAY));
    const all = await t.app.db.notification.findMany({ where: { kind: 'issue_overdue' }, orderBy: { id: 'asc' } });
    expect(all.filter((n) => n.issueId === unanswered.id)).toHaveLength(1);
    expect(all.filter((n) => n.issueId === slow.id).map((n) => n.userId)).toEqual([
      world.users.community.id,
      world.users.propertyA.id,
    ]);
    expect(all.filter((n) => n.issueId === other.id).map((n) => n.userId)).toEqual([world.users.otherCommunityStaff.id]);
    expect(all.some((n) => n.issueId === done.id)).toBe(false);
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: slow.id } })).overdueNotifiedAt).not.toBeNull();

    // The community grants more time: the new deadline is watched afresh.
    const later = new Date(start.getTime() + 8 * DAY);
    await t.app.db.$transaction((tx) =>
      performIssueAction(
        tx,
        staffActor,
        slow.id,
        'reassign',
        { party: 'property', dueAt: new Date(later.getTime() + 2 * DAY) },
        { now: later },
      ),
    );
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: slow.id } })).overdueNotifiedAt).toBeNull();
    await overdueJob.run(t.app, new Date(later.getTime() + DAY));
    expect(await t.app.db.notification.count({ where: { kind: 'issue_overdue', issueId: slow.id } })).toBe(2);
    await overdueJob.run(t.app, new Date(later.getTime() + 3 * DAY));
    expect(await t.app.db.notification.count({ where: { kind: 'issue_overdue', issueId: slow.id } })).toBe(4);

    const staff = await loginAs(t.app, 'community');
    const inbox = await staff.get('/notifications');
    expect(inbox.body).toContain(`诉求 #${slow.id}`);
    expect(inbox.body).toContain('已超过办结时限');
  });
});

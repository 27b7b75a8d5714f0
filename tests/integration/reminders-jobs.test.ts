import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { actorFor, makeWorld, type World } from '../helpers/world.ts';
import { loginAs } from '../helpers/client.ts';
import { runJobsOnce } from '../../src/scheduler.ts';
import { deadlineWarningJob, overdueJob, performIssueAction } from '../../src/modules/issues/index.ts';
import { makeIssue } from './issues-fixtures.ts';

let t: TestApp;
let world: World;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const later = (from: Date, ms: number) => new Date(from.getTime() + ms);

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
});
afterAll(async () => t.close());

const warnings = (issueId: number) =>
  t.app.db.notification.findMany({ where: { issueId, kind: 'issue_deadline_warning' }, orderBy: { id: 'asc' } });
const warnedAt = async (issueId: number) => (await t.app.db.issue.findUniqueOrThrow({ where: { id: issueId } })).deadlineWarnedAt;
const communityActor = () =>
  actorFor(world.users.community, [world.estateA.id, world.estateB.id], { communityId: world.community.id });

describe('the warning before a deadline (预警)', () => {
  it('is a scheduled job', () => {
    expect(t.app.jobs).toContain(deadlineWarningJob);
  });

  it('warns the community staff 4 hours before the response deadline of a submitted issue, once', async () => {
    const start = t.clock.now;
    const issue = await makeIssue(t.app, world, { category: 'sanitation', createdAt: start });

    await deadlineWarningJob.run(t.app, later(start, 19 * HOUR));
    expect(await warnings(issue.id)).toHaveLength(0);

    const now = later(start, 20 * HOUR + MINUTE);
    await deadlineWarningJob.run(t.app, now);
    const sent = await warnings(issue.id);
    expect(sent.map((n) => n.userId)).toEqual([world.users.community.id]);
    expect(JSON.parse(sent[0]?.paramsJson ?? '{}')).toMatchObject({ deadline: 'respond', at: '2026-11-21 10:00' });
    expect((await warnedAt(issue.id))?.getTime()).toBe(now.getTime());

    await deadlineWarningJob.run(t.app, later(start, 22 * HOUR));
    expect(await warnings(issue.id)).toHaveLength(1);

    const staff = await loginAs(t.app, 'community');
    const inbox = await staff.get('/notifications');
    expect(inbox.body).toContain(`诉求 #${issue.id}「${issue.title}」将于 2026-11-21 10:00 到达响应时限`);
  });

  it('warns the assigned party of the new deadline once the issue is accepted, and again after a reassignment', async () => {
    const start = t.clock.now;
    const issue = await makeIssue(t.app, world, { category: 'sanitation', createdAt: start });
    await deadlineWarningJob.run(t.app, later(start, 21 * HOUR));
    expect(await warnedAt(issue.id)).not.toBeNull();

    const due = later(start, 3 * DAY);
    await t.app.db.$transaction((tx) =>
      performIssueAction(
        tx,
        communityActor(),
        issue.id,
        'accept',
        { party: 'property', dueAt: due },
        { now: later(start, 22 * HOUR) },
      ),
    );
    expect(await warnedAt(issue.id)).toBeNull();

    await deadlineWarningJob.run(t.app, later(due, -5 * HOUR));
    expect((await warnings(issue.id)).map((n) => n.userId)).toEqual([world.users.community.id]);
    await deadlineWarningJob.run(t.app, later(due, -3 * HOUR));
    const afterAccept = await warnings(issue.id);
    expect(afterAccept.map((n) => n.userId)).toEqual([world.users.community.id, world.users.propertyA.id]);
    expect(JSON.parse(afterAccept[1]?.paramsJson ?? '{}')).toMatchObject({ deadline: 'resolve' });

    // More time, to the committee: its staff are warned before the new deadline.
    const newDue = later(due, 2 * DAY);
    await t.app.db.$transaction((tx) =>
      performIssueAction(
        tx,
        communityActor(),
        issue.id,
        'reassign',
        { party: 'committee', dueAt: newDue },
        { now: later(due, -2 * HOUR) },
      ),
    );
    await deadlineWarningJob.run(t.app, later(newDue, -HOUR));
    expect((await warnings(issue.id)).map((n) => n.userId)).toEqual([
      world.users.community.id,
      world.users.propertyA.id,
      world.users.committeeA.id,
    ]);
  });

  it('warns the party an issue is handed to, on the same deadline', async () => {
    const start = t.clock.now;
    const issue = await makeIssue(t.app, world, {
      category: 'sanitation',
      state: 'in_progress',
      assignedParty: 'property',
      createdAt: start,
    });
    const resolveBy = later(start, 7 * DAY);
    await deadlineWarningJob.run(t.app, later(resolveBy, -3 * HOUR));
    expect((await warnings(issue.id)).map((n) => n.userId)).toEqual([world.users.propertyA.id]);

    const property = actorFor(world.users.propertyA, [world.estateA.id]);
    await t.app.db.$transaction((tx) =>
      performIssueAction(
        tx,
        property,
        issue.id,
        'handoff',
        { party: 'committee', reason: '属业委会职责' },
        { now: later(resolveBy, -2 * HOUR) },
      ),
    );
    await deadlineWarningJob.run(t.app, later(resolveBy, -HOUR));
    expect((await warnings(issue.id)).map((n) => n.userId)).toEqual([world.users.propertyA.id, world.users.committeeA.id]);
  });

  it('warns an emergency 30 minutes before its 2-hour response deadline, not when it is filed', async () => {
    const start = t.clock.now;
    const issue = await makeIssue(t.app, world, { category: 'lift_entrapment', createdAt: start });
    await deadlineWarningJob.run(t.app, later(start, MINUTE));
    await deadlineWarningJob.run(t.app, later(start, 89 * MINUTE));
    expect(await warnings(issue.id)).toHaveLength(0);
    await deadlineWarningJob.run(t.app, later(start, 91 * MINUTE));
    expect((await warnings(issue.id)).map((n) => n.userId)).toEqual([world.users.community.id]);
  });

  it('follows each estate’s own lead, and each community’s staff', async () => {
    const start = t.clock.now;
    await t.app.db.estate.update({ where: { id: world.estateB.id }, data: { deadlineWarningHours: 6 } });
    try {
      const inA = await makeIssue(t.app, world, { category: 'sanitation', createdAt: start });
      const inB = await makeIssue(t.app, world, {
        category: 'sanitation',
        estateId: world.estateB.id,
        buildingId: world.buildingB.id,
        reporterId: world.users.residentB.id,
        createdAt: start,
      });
      const inC = await makeIssue(t.app, world, {
        category: 'sanitation',
        estateId: world.estateC.id,
        buildingId: null,
        reporterId: world.users.residentC.id,
        createdAt: start,
      });
      // 5 hours before the response deadline: inside estate B's 6 h (a quarter of the 24 h it had), outside
      // the others' 4 h.
      await deadlineWarningJob.run(t.app, later(start, 19 * HOUR));
      expect(await warnings(inA.id)).toHaveLength(0);
      expect((await warnings(inB.id)).map((n) => n.userId)).toEqual([world.users.community.id]);
      expect(await warnings(inC.id)).toHaveLength(0);
      await deadlineWarningJob.run(t.app, later(start, 21 * HOUR));
      expect((await warnings(inA.id)).map((n) => n.userId)).toEqual([world.users.community.id]);
      expect((await warnings(inC.id)).map((n) => n.userId)).toEqual([world.users.otherCommunityStaff.id]);
      expect(await warnings(inB.id)).toHaveLength(1);
    } finally {
      await t.app.db.estate.update({ where: { id: world.estateB.id }, data: { deadlineWarningHours: 4 } });
    }
  });

  it('leaves issues waiting for a meeting or a vote, and finished ones, alone', async () => {
    const start = t.clock.now;
    const waiting = await makeIssue(t.app, world, {
      category: 'sanitation',
      state: 'awaiting_meeting',
      assignedParty: 'property',
      createdAt: start,
    });
    const voting = await makeIssue(t.app, world, {
      category: 'sanitation',
      state: 'awaiting_vote',
      assignedParty: 'property',
      createdAt: start,
    });
    const resolved = await makeIssue(t.app, world, {
      category: 'sanitation',
      state: 'resolved',
      assignedParty: 'property',
      createdAt: start,
    });
    await deadlineWarningJob.run(t.app, later(start, 7 * DAY - HOUR));
    for (const issue of [waiting, voting, resolved]) expect(await warnings(issue.id)).toHaveLength(0);
  });

  it('warns once when two processes run the job for the same moment, and once across later runs', async () => {
    const start = t.clock.now;
    const issue = await makeIssue(t.app, world, {
      category: 'sanitation',
      state: 'accepted',
      assignedParty: 'property',
      createdAt: start,
    });
    const now = later(start, 7 * DAY - 2 * HOUR);
    await Promise.all([deadlineWarningJob.run(t.app, now), deadlineWarningJob.run(t.app, now)]);
    expect(await warnings(issue.id)).toHaveLength(1);

    const first = await runJobsOnce(t.app, later(now, MINUTE), { holder: 'process-a' });
    const second = await runJobsOnce(t.app, later(now, MINUTE), { holder: 'process-b' });
    expect(first.ran).toContain(deadlineWarningJob.name);
    expect(second.skipped).toContain(deadlineWarningJob.name);
    await runJobsOnce(t.app, later(now, HOUR), { holder: 'process-b' });
    expect(await warnings(issue.id)).toHaveLength(1);
  });
});

describe('passing a deadline', () => {
  const overdueNotes = (issueId: number) =>
    t.app.db.notification.findMany({ where: { issueId, kind: 'issue_overdue' }, orderBy: { id: 'asc' } });

  it('tells the assigned party as well as the community when the resolution deadline passes, once', async () => {
    const start = t.clock.now;
    const issue = await makeIssue(t.app, world, {
      category: 'sanitation',
      state: 'in_progress',
      assignedParty: 'property',
      createdAt: start,
    });
    await overdueJob.run(t.app, later(start, 7 * DAY + MINUTE));
    expect((await overdueNotes(issue.id)).map((n) => n.userId).sort()).toEqual(
      [world.users.community.id, world.users.propertyA.id].sort(),
    );
    await overdueJob.run(t.app, later(start, 8 * DAY));
    expect(await overdueNotes(issue.id)).toHaveLength(2);

    const property = await loginAs(t.app, 'propertya');
    expect((await property.get('/notifications')).body).toContain(`诉求 #${issue.id}「${issue.title}」已超过办结时限`);
  });

  it('tells only the community when a submitted issue passes its response deadline', async () => {
    const start = t.clock.now;
    const issue = await makeIssue(t.app, world, { category: 'sanitation', createdAt: start });
    await overdueJob.run(t.app, later(start, DAY + MINUTE));
    expect((await overdueNotes(issue.id)).map((n) => n.userId)).toEqual([world.users.community.id]);
  });

  it('tells the community staff once when they are also the party (an outside unit)', async () => {
    const start = t.clock.now;
    const issue = await makeIssue(t.app, world, {
      category: 'sanitation',
      state: 'in_progress',
      assignedParty: 'outside',
      createdAt: start,
    });
    await overdueJob.run(t.app, later(start, 7 * DAY + MINUTE));
    expect((await overdueNotes(issue.id)).map((n) => n.userId)).toEqual([world.users.community.id]);
  });
});

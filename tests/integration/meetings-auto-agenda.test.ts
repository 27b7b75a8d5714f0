import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { autoAgendaJob } from '../../src/modules/meetings/index.ts';
import { makeIssue } from './issues-fixtures.ts';

let t: TestApp;
let world: World;
let staff: Client;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = new Date('2026-11-20T02:00:00Z'); // 10:00 in Shanghai
const ago = (ms: number) => new Date(START.getTime() - ms);

beforeAll(async () => {
  t = await createTestApp({}, START);
  world = await makeWorld(t.app.db);
  staff = await loginAs(t.app, 'community');
});
afterAll(async () => t.close());

function meetingForm(overrides: Record<string, string | string[]> = {}) {
  const u = world.users;
  return {
    kind: 'regular',
    title: '甲小区三方联席会议',
    place: '社区会议室',
    startsAt: '2026-11-21T14:00',
    endsAt: '2026-11-21T16:00',
    estateIds: [String(world.estateA.id)],
    participantIds: [u.community.id, u.propertyA.id, u.committeeA.id].map(String),
    ...overrides,
  };
}

async function convene(overrides: Record<string, string | string[]> = {}) {
  const res = await staff.post('/meetings', meetingForm(overrides));
  expect(res.statusCode).toBe(303);
  return Number(/\/meetings\/(\d+)/.exec(String(res.headers.location))?.[1]);
}

const agenda = (meetingId: number) =>
  t.app.db.agendaItem.findMany({
    where: { meetingId },
    orderBy: { position: 'asc' },
    select: { issueId: true, position: true, source: true },
  });

/** An ordinary (7-day) issue of estate A with the property, whose resolution deadline passed `overdueBy` ago. */
const overdueBy = (overdueBy: number, opts: { estate?: 'A' | 'B' | 'C'; state?: string; handoffCount?: number } = {}) => {
  const place =
    opts.estate === 'B'
      ? { estateId: world.estateB.id, buildingId: world.buildingB.id, reporterId: world.users.residentB.id }
      : opts.estate === 'C'
        ? { estateId: world.estateC.id, buildingId: null, reporterId: world.users.residentC.id }
        : {};
  return makeIssue(t.app, world, {
    category: 'sanitation',
    state: opts.state ?? 'in_progress',
    assignedParty: 'property',
    handoffCount: opts.handoffCount ?? 0,
    createdAt: ago(7 * DAY + overdueBy),
    ...place,
  });
};

let regular = 0;
let overdue = 0;
let bouncing = 0;
let awaiting = 0;

describe('convening proposes overdue and bouncing issues beside those awaiting the meeting', () => {
  it('puts the issues awaiting a decision first, then the long overdue and the bouncing, each with its reason', async () => {
    overdue = (await overdueBy(4 * DAY)).id;
    const lateByTwoDays = (await overdueBy(2 * DAY)).id;
    bouncing = (await overdueBy(-5 * DAY, { handoffCount: 2 })).id;
    awaiting = (
      await makeIssue(t.app, world, {
        category: 'sanitation',
        state: 'awaiting_meeting',
        assignedParty: 'property',
        createdAt: ago(DAY),
      })
    ).id;
    const elsewhere = (await overdueBy(4 * DAY, { estate: 'C' })).id;
    const voting = (await overdueBy(4 * DAY, { state: 'awaiting_vote' })).id;

    regular = await convene();
    expect(await agenda(regular)).toEqual([
      { issueId: awaiting, position: 1, source: 'awaiting_meeting' },
      { issueId: overdue, position: 2, source: 'overdue' },
      { issueId: bouncing, position: 3, source: 'bouncing' },
    ]);
    const onAgenda = (await agenda(regular)).map((i) => i.issueId);
    for (const id of [lateByTwoDays, elsewhere, voting]) expect(onAgenda).not.toContain(id);

    const page = await staff.get(`/meetings/${regular}`);
    expect(page.body).toContain('逾期督办');
    expect(page.body).toContain('多次转办');
    expect(page.body).toContain('自动列入督办');
  });

  it('gives an emergency meeting only what awaits a meeting, not the backlog', async () => {
    const emergency = await convene({
      kind: 'emergency',
      title: '电梯困人紧急会议',
      startsAt: '2026-11-20T15:00',
      endsAt: '2026-11-20T16:00',
    });
    expect((await agenda(emergency)).map((i) => i.source)).toEqual(['awaiting_meeting']);
  });

  it('does not propose again what is already on another scheduled meeting’s agenda', async () => {
    const second = await convene({
      title: '甲乙小区联席会议',
      startsAt: '2026-11-25T14:00',
      endsAt: '2026-11-25T16:00',
      estateIds: [String(world.estateA.id), String(world.estateB.id)],
    });
    const items = await agenda(second);
    expect(items.map((i) => i.issueId)).not.toContain(overdue);
    expect(items.map((i) => i.issueId)).not.toContain(bouncing);
  });
});

describe('the scheduled job adds newly overdue issues to the next meeting of their estate', () => {
  const proposedNotes = () =>
    t.app.db.notification.findMany({ where: { kind: 'meeting_agenda_proposed' }, orderBy: { id: 'asc' } });

  it('is a scheduled job', () => {
    expect(t.app.jobs).toContain(autoAgendaJob);
  });

  it('adds each to the soonest regular meeting covering its estate, tells the convener once, and does nothing twice', async () => {
    const second = (await t.app.db.meeting.findFirstOrThrow({ where: { title: '甲乙小区联席会议' } })).id;
    const inA = (await overdueBy(3 * DAY + HOUR)).id;
    const inB = (await overdueBy(5 * DAY, { estate: 'B' })).id;
    const before = (await proposedNotes()).length;

    await autoAgendaJob.run(t.app, START);
    // The emergency meeting starts first but takes no backlog: estate A's issue goes to the regular one.
    expect((await agenda(regular)).slice(-1)).toEqual([{ issueId: inA, position: 4, source: 'overdue' }]);
    expect((await agenda(second)).filter((i) => i.issueId === inA || i.issueId === inB)).toEqual([
      expect.objectContaining({ issueId: inB, source: 'overdue' }),
    ]);
    const notes = (await proposedNotes()).slice(before);
    expect(notes.map((n) => [n.userId, n.meetingId])).toEqual([
      [world.users.community.id, regular],
      [world.users.community.id, second],
    ]);
    expect(JSON.parse(notes[0]?.paramsJson ?? '{}')).toMatchObject({ n: 1, title: '甲小区三方联席会议' });

    await autoAgendaJob.run(t.app, new Date(START.getTime() + HOUR));
    expect(await agenda(regular)).toHaveLength(4);
    expect((await proposedNotes()).length).toBe(before + 2);
    expect((await staff.get('/notifications')).body).toContain(
      '1 项逾期或多次转办的诉求已自动列入联席会议“甲小区三方联席会议”的议程',
    );
  });

  it('skips a meeting that has already started', async () => {
    const second = (await t.app.db.meeting.findFirstOrThrow({ where: { title: '甲乙小区联席会议' } })).id;
    const now = new Date('2026-11-21T07:00:00Z'); // the regular meeting began at 14:00 Shanghai (06:00 UTC)
    const late = (await overdueBy(4 * DAY)).id;
    await autoAgendaJob.run(t.app, now);
    expect((await agenda(regular)).map((i) => i.issueId)).not.toContain(late);
    expect((await agenda(second)).map((i) => i.issueId)).toContain(late);
  });

  it('follows the overdue-days setting', async () => {
    const second = (await t.app.db.meeting.findFirstOrThrow({ where: { title: '甲乙小区联席会议' } })).id;
    await t.app.db.setting.create({ data: { key: 'reminders.agendaOverdueDays', value: '6' } });
    const now = new Date('2026-11-21T08:00:00Z');
    // Its deadline passed 5 days before `now` (the helper counts back from START, 30 hours earlier).
    const fiveDays = (await overdueBy(5 * DAY - 30 * HOUR)).id;
    await autoAgendaJob.run(t.app, now);
    expect((await agenda(second)).map((i) => i.issueId)).not.toContain(fiveDays);
    await autoAgendaJob.run(t.app, new Date(now.getTime() + DAY));
    expect((await agenda(second)).map((i) => i.issueId)).toContain(fiveDays);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { actorFor, makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { performIssueAction } from '../../src/modules/issues/index.ts';

let t: TestApp;
let world: World;
let staff: Client;

const START = new Date('2026-11-20T02:00:00Z'); // 10:00 in Shanghai
const HOUR = 3_600_000;

const actorOf = (user: { id: number; username: string; role: string }, estateIds: number[], communityId: number | null) =>
  actorFor(user, estateIds, { communityId });

let issueSeq = 0;
/** An issue of estate A walked to awaiting_meeting through the real workflow, escalated at `escalatedAt`. */
async function escalatedIssue(
  opts: { title?: string; code?: string; escalatedAt?: Date; estate?: 'A' | 'B'; supporters?: number[] } = {},
) {
  const db = t.app.db;
  const estate = opts.estate === 'B' ? world.estateB : world.estateA;
  const reporter = opts.estate === 'B' ? world.users.residentB : world.users.residentA;
  const cat = world.cat(opts.code ?? 'roof_leak');
  const escalatedAt = opts.escalatedAt ?? new Date(START.getTime() - 24 * HOUR);
  const filedAt = new Date(escalatedAt.getTime() - 2 * HOUR);
  const issue = await db.issue.create({
    data: {
      estateId: estate.id,
      locationType: 'estate',
      isPublic: true,
      categoryId: cat.id,
      emergency: cat.emergency,
      title: opts.title ?? `议题 ${++issueSeq}`,
      description: '需要三方议定。',
      reporterId: reporter.id,
      submissionKey: `meeting-test-${++issueSeq}`,
      respondBy: new Date(filedAt.getTime() + 24 * HOUR),
      resolveBy: new Date(filedAt.getTime() + 30 * 24 * HOUR),
      createdAt: filedAt,
    },
  });
  const community = actorOf(world.users.community, [world.estateA.id, world.estateB.id], world.community.id);
  await performIssueAction(
    db,
    community,
    issue.id,
    'accept',
    { party: 'property', dueAt: new Date(filedAt.getTime() + 10 * 24 * HOUR) },
    { now: new Date(filedAt.getTime() + HOUR) },
  );
  await performIssueAction(db, community, issue.id, 'escalate', { note: '提请联席会议' }, { now: escalatedAt });
  for (const userId of opts.supporters ?? []) await db.support.create({ data: { issueId: issue.id, userId } });
  await db.issue.update({ where: { id: issue.id }, data: { supportCount: opts.supporters?.length ?? 0 } });
  return issue.id;
}

function meetingForm(overrides: Record<string, string | string[]> = {}) {
  const u = world.users;
  return {
    kind: 'regular',
    title: '甲小区三方联席会议',
    place: '社区会议室',
    startsAt: '2026-11-21T14:00',
    endsAt: '2026-11-21T16:00',
    estateIds: [String(world.estateA.id)],
    participantIds: [u.community.id, u.propertyA.id, u.committeeA.id, u.residentA.id].map(String),
    ...overrides,
  };
}

async function convene(overrides: Record<string, string | string[]> = {}) {
  const res = await staff.post('/meetings', meetingForm(overrides));
  expect(res.statusCode).toBe(303);
  const id = Number(/\/meetings\/(\d+)/.exec(String(res.headers.location))?.[1]);
  expect(id).toBeGreaterThan(0);
  return id;
}

const issueState = async (id: number) => (await t.app.db.issue.findUniqueOrThrow({ where: { id } })).state;
const agendaItems = (meetingId: number) => t.app.db.agendaItem.findMany({ where: { meetingId }, orderBy: { position: 'asc' } });
const itemFor = async (meetingId: number, issueId: number) => {
  const item = (await agendaItems(meetingId)).find((i) => i.issueId === issueId);
  if (!item) throw new Error(`issue ${issueId} not on agenda ${meetingId}`);
  return item;
};

/** Moves the clock to the meeting's start and records everyone in `present` as attending. */
async function hold(meetingId: number, present: number[]) {
  const meeting = await t.app.db.meeting.findUniqueOrThrow({ where: { id: meetingId } });
  if (t.clock.now < meeting.startsAt) {
    t.clock.now = new Date(meeting.startsAt.getTime() + 5 * 60_000);
    staff = await loginAs(t.app, 'community'); // the session went idle while the clock moved
  }
  await staff.get(`/meetings/${meetingId}`);
  const res = await staff.post(`/meetings/${meetingId}/attendance`, {
    attended: present.map(String),
    minutes: '会议纪要：三方到会。',
  });
  expect(res.statusCode).toBe(303);
}

beforeAll(async () => {
  t = await createTestApp({}, START);
  world = await makeWorld(t.app.db);
});
afterAll(async () => t.close());
beforeEach(async () => {
  t.clock.now = START;
  // Each test starts with no meetings and no issues waiting, so agendas only hold that test's issues.
  await t.app.db.issueEvent.updateMany({ where: { meetingId: { not: null } }, data: { meetingId: null } });
  await t.app.db.notice.deleteMany({});
  await t.app.db.meeting.deleteMany({});
  await t.app.db.issue.updateMany({ where: { state: 'awaiting_meeting' }, data: { state: 'closed' } });
  staff = await loginAs(t.app, 'community');
});

describe('convening a meeting', () => {
  it('creates the meeting with its invitees and agenda, and notifies every invitee but the convener', async () => {
    const issueId = await escalatedIssue({ title: '5号楼屋面漏水' });
    const before = await t.app.db.notification.count({ where: { kind: 'meeting_invited' } });
    const id = await convene();
    const meeting = await t.app.db.meeting.findUniqueOrThrow({ where: { id }, include: { participants: true, estates: true } });
    expect(meeting.status).toBe('scheduled');
    expect(meeting.startsAt.toISOString()).toBe('2026-11-21T06:00:00.000Z');
    expect(meeting.participants.map((p) => p.party).sort()).toEqual(['committee', 'community', 'property', 'resident_rep']);
    expect(meeting.estates.map((e) => e.estateId)).toEqual([world.estateA.id]);
    expect((await agendaItems(id)).map((i) => i.issueId)).toEqual([issueId]);
    const invited = await t.app.db.notification.findMany({ where: { kind: 'meeting_invited', meetingId: id } });
    expect(invited.map((n) => n.userId).sort()).toEqual(
      [world.users.propertyA.id, world.users.committeeA.id, world.users.residentA.id].sort(),
    );
    expect(invited.length).toBe((await t.app.db.notification.count({ where: { kind: 'meeting_invited' } })) - before);

    const page = await staff.get(`/meetings/${id}?created=1`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('5号楼屋面漏水');
    expect(page.body).toContain('会议已召集');
  });

  it('does not convene the same form twice when it is submitted twice', async () => {
    const first = await convene();
    const second = await convene();
    expect(second).toBe(first);
    expect(await t.app.db.meeting.count()).toBe(1);
  });

  it.each([
    ['an end before the start', { endsAt: '2026-11-21T13:00' }, '结束时间必须晚于开始时间'],
    ['a start in the past', { startsAt: '2026-11-19T14:00', endsAt: '2026-11-19T16:00' }, '不能早于现在'],
    ['a participant outside the estate’s parties', { participantIds: ['PROPERTY_B'] }, '参会人不属于所选小区的三方'],
    ['no title', { title: '  ' }, '必填'],
    ['an estate of another community', { estateIds: ['ESTATE_C'] }, '格式不正确'],
  ])('refuses %s inline with a 400 and writes nothing', async (_name, overrides, message) => {
    const fixed: Record<string, string | string[]> = { ...overrides };
    if (Array.isArray(fixed.participantIds)) {
      fixed.participantIds = [String(world.users.community.id), String(world.users.propertyB.id)];
    }
    if (Array.isArray(fixed.estateIds)) fixed.estateIds = [String(world.estateC.id)];
    const res = await staff.post('/meetings', meetingForm(fixed));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect(res.body).toContain('class="error-summary"');
    expect(await t.app.db.meeting.count()).toBe(0);
    expect(await t.app.db.notification.count({ where: { kind: 'meeting_invited' } })).toBe(0);
  });

  it('refuses a form without the CSRF token', async () => {
    const res = await staff.post('/meetings', { ...meetingForm(), _csrf: 'forged' });
    expect(res.statusCode).toBe(403);
    expect(await t.app.db.meeting.count()).toBe(0);
  });

  it('lets only community staff convene: the form is a 404 to property staff', async () => {
    const property = await loginAs(t.app, 'propertya');
    expect((await property.get('/meetings/new')).statusCode).toBe(404);
    expect((await property.post('/meetings', meetingForm())).statusCode).toBe(404);
    expect(await t.app.db.meeting.count()).toBe(0);
  });

  it('offers the estate’s three parties and residents as participants, not staff of other estates', async () => {
    const res = await staff.get(`/meetings/new?estate=${world.estateA.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`value="${world.users.propertyA.id}"`);
    expect(res.body).toContain(`value="${world.users.residentA.id}"`);
    expect(res.body).not.toContain(`name="participantIds" value="${world.users.propertyB.id}"`);
  });

  it('warns, without refusing, when a participant is already booked at that time', async () => {
    const first = await convene({ title: '第一次会议' });
    const second = await convene({ title: '重叠的会议', startsAt: '2026-11-21T15:00', endsAt: '2026-11-21T15:30' });
    expect(second).not.toBe(first);
    const page = await staff.get(`/meetings/${second}`);
    expect(page.body).toContain('有参会人在同一时间已有其他会议');
    expect(page.body).toContain('第一次会议');
    const apart = await convene({ title: '不重叠的会议', startsAt: '2026-11-21T16:00', endsAt: '2026-11-21T17:00' });
    expect((await staff.get(`/meetings/${apart}`)).body).not.toContain('有参会人在同一时间已有其他会议');
  });

  it('edits time and place, bumping the calendar sequence and telling the invitees', async () => {
    const id = await convene();
    const res = await staff.post(
      `/meetings/${id}`,
      meetingForm({ place: '物业服务中心', startsAt: '2026-11-22T09:00', endsAt: '2026-11-22T10:00' }),
    );
    expect(res.statusCode).toBe(303);
    const meeting = await t.app.db.meeting.findUniqueOrThrow({ where: { id } });
    expect(meeting.place).toBe('物业服务中心');
    expect(meeting.sequence).toBe(1);
    expect(await t.app.db.notification.count({ where: { kind: 'meeting_changed', meetingId: id } })).toBe(3);
  });
});

describe('who sees a meeting', () => {
  it('shows the meeting read-only to an invited resident representative and a party', async () => {
    const id = await convene();
    for (const username of ['residenta', 'propertya']) {
      const c = await loginAs(t.app, username);
      const res = await c.get(`/meetings/${id}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(`action="/meetings/${id}/attendance"`);
      expect(res.body).not.toContain(`action="/meetings/${id}/apply"`);
    }
  });

  it.each([
    ['another community’s staff', 'community2'],
    ['a resident who is not invited', 'residenta2'],
    ['property staff of another estate', 'propertyb'],
  ])('answers %s with a 404', async (_who, username) => {
    const id = await convene();
    const c = await loginAs(t.app, username);
    expect((await c.get(`/meetings/${id}`)).statusCode).toBe(404);
    expect((await c.get(`/meetings/${id}.ics`)).statusCode).toBe(404);
    expect((await c.get('/meetings')).body).not.toContain(`/meetings/${id}"`);
  });

  it('refuses to let an invited party run the meeting (404)', async () => {
    const id = await convene();
    const property = await loginAs(t.app, 'propertya');
    await property.get(`/meetings/${id}`);
    expect((await property.post(`/meetings/${id}/agenda`, { title: '物业的议题' })).statusCode).toBe(404);
    expect((await property.post(`/meetings/${id}/apply`)).statusCode).toBe(404);
    expect(await t.app.db.agendaItem.count({ where: { meetingId: id } })).toBe(0);
  });

  it('lists upcoming and past meetings for the staff', async () => {
    const id = await convene({ title: '下周的例会' });
    const res = await staff.get('/meetings');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('下周的例会');
    expect(res.body.indexOf('下周的例会')).toBeLessThan(res.body.indexOf('id="h-past"'));
    t.clock.now = new Date('2026-11-25T00:00:00Z');
    staff = await loginAs(t.app, 'community');
    const later = await staff.get('/meetings');
    expect(later.body.indexOf(`/meetings/${id}"`)).toBeGreaterThan(later.body.indexOf('id="h-past"'));
  });
});

describe('the agenda', () => {
  it('proposes emergencies first, then the longest waiting, then the most supported', async () => {
    const day = 24 * HOUR;
    const old = await escalatedIssue({ title: '最早提请', escalatedAt: new Date(START.getTime() - 5 * day) });
    const recent = await escalatedIssue({ title: '较晚提请', escalatedAt: new Date(START.getTime() - 1 * day) });
    const tieFew = await escalatedIssue({
      title: '同时提请少附议',
      escalatedAt: new Date(START.getTime() - 3 * day),
      supporters: [],
    });
    const tieMany = await escalatedIssue({
      title: '同时提请多附议',
      escalatedAt: new Date(START.getTime() - 3 * day),
      supporters: [world.users.residentA2.id, world.users.tenantA.id],
    });
    const emergency = await escalatedIssue({
      title: '紧急',
      code: 'lift_entrapment',
      escalatedAt: new Date(START.getTime() - 2 * HOUR),
    });
    await escalatedIssue({ title: '乙小区的诉求', estate: 'B' });
    const id = await convene();
    expect((await agendaItems(id)).map((i) => i.issueId)).toEqual([emergency, old, tieMany, tieFew, recent]);
  });

  it('adds newly escalated issues on refresh, and free items that can be moved and removed', async () => {
    const first = await escalatedIssue({ title: '原有议题' });
    const id = await convene();
    const later = await escalatedIssue({ title: '新提请议题', escalatedAt: START });
    await staff.get(`/meetings/${id}`);
    expect((await staff.post(`/meetings/${id}/agenda/refresh`)).statusCode).toBe(303);
    expect((await staff.post(`/meetings/${id}/agenda/refresh`)).statusCode).toBe(303);
    expect((await agendaItems(id)).map((i) => i.issueId)).toEqual([first, later]);

    expect((await staff.post(`/meetings/${id}/agenda`, { title: '物业费调整说明' })).statusCode).toBe(303);
    expect((await staff.post(`/meetings/${id}/agenda`, { title: '物业费调整说明' })).statusCode).toBe(303); // a double tap
    const free = (await agendaItems(id)).find((i) => i.issueId === null);
    expect(free?.position).toBe(3);
    await staff.post(`/meetings/${id}/agenda/${free?.id}/move`, { direction: 'up' });
    await staff.post(`/meetings/${id}/agenda/${free?.id}/move`, { direction: 'up' });
    expect((await agendaItems(id)).map((i) => i.title)).toEqual(['物业费调整说明', '原有议题', '新提请议题']);

    const empty = await staff.post(`/meetings/${id}/agenda`, { title: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('必填');
    expect((await staff.post(`/meetings/${id}/agenda/${free?.id}/delete`)).statusCode).toBe(303);
    expect((await agendaItems(id)).map((i) => i.issueId)).toEqual([first, later]);
  });
});

describe('holding the meeting and applying the minutes', () => {
  const everyone = () => [
    world.users.community.id,
    world.users.propertyA.id,
    world.users.committeeA.id,
    world.users.residentA.id,
  ];

  it('does not record a meeting as held before it starts', async () => {
    const id = await convene();
    await staff.get(`/meetings/${id}`);
    const res = await staff.post(`/meetings/${id}/attendance`, { attended: everyone().map(String), minutes: '' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('会议还没开始');
    expect((await t.app.db.meeting.findUniqueOrThrow({ where: { id } })).status).toBe('scheduled');
  });

  it('applies every decision in one go: issues move, events link the meeting, a notice is published', async () => {
    const assigned = await escalatedIssue({ title: '绿化带改造' });
    const voted = await escalatedIssue({ title: '屋面翻修' });
    const rejected = await escalatedIssue({ title: '开超市的建议' });
    const undecided = await escalatedIssue({ title: '未作决定的议题' });
    const id = await convene();
    await hold(id, everyone());
    expect((await t.app.db.meeting.findUniqueOrThrow({ where: { id } })).status).toBe('held');

    const decide = (issueId: number, form: Record<string, string>) =>
      itemFor(id, issueId).then((item) => staff.post(`/meetings/${id}/agenda/${item.id}/decision`, form));
    expect((await decide(assigned, { kind: 'assign', party: 'property', dueAt: '2026-12-01T18:00' })).statusCode).toBe(303);
    expect((await decide(voted, { kind: 'open_vote', amount: '386000' })).statusCode).toBe(303);
    const noReason = await decide(rejected, { kind: 'reject', reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('必填');
    expect((await decide(rejected, { kind: 'reject', reason: '不属于三方职责' })).statusCode).toBe(303);
    expect((await t.app.db.decision.findFirstOrThrow({ where: { agendaItem: { issueId: voted } } })).amountFen).toBe(38_600_000);

    const res = await staff.post(`/meetings/${id}/apply`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('applied=1');

    expect(await issueState(assigned)).toBe('accepted');
    expect(await issueState(voted)).toBe('awaiting_vote');
    expect(await issueState(rejected)).toBe('rejected');
    expect(await issueState(undecided)).toBe('awaiting_meeting');
    const assignedIssue = await t.app.db.issue.findUniqueOrThrow({ where: { id: assigned } });
    expect(assignedIssue.assignedParty).toBe('property');
    expect(assignedIssue.resolveBy.toISOString()).toBe('2026-12-01T10:00:00.000Z');

    const events = await t.app.db.issueEvent.findMany({ where: { meetingId: id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.issueId, e.action])).toEqual([
      [assigned, 'meeting_assign'],
      [voted, 'meeting_open_vote'],
      [rejected, 'meeting_reject'],
      [undecided, 'meeting_defer'],
    ]);
    const meeting = await t.app.db.meeting.findUniqueOrThrow({ where: { id } });
    expect(meeting.status).toBe('closed');
    expect(meeting.appliedAt).not.toBeNull();
    expect(await t.app.db.decision.count({ where: { agendaItem: { meetingId: id }, appliedAt: null } })).toBe(0);
    // the vote feature creates the proposal from the decision; this feature does not
    expect(await t.app.db.fundProposal.count()).toBe(0);

    const notices = await t.app.db.notice.findMany({ where: { meetingId: id } });
    expect(notices.map((n) => [n.estateId, n.kind])).toEqual([[world.estateA.id, 'meeting_decision']]);
    expect(notices[0]?.body).toContain('屋面翻修');
    expect(notices[0]?.body).toContain('386,000.00');
    expect(notices[0]?.body).toContain('不属于三方职责');
    expect(await t.app.db.notification.count({ where: { kind: 'meeting_decisions_applied', meetingId: id } })).toBe(3);

    const issuePage = await staff.get(`/issues/${voted}`);
    expect(issuePage.body).toContain(`href="/meetings/${id}"`);
    expect(issuePage.body).toContain('提交业主表决');

    // applying twice: a clear message and nothing changes
    const eventCount = await t.app.db.issueEvent.count();
    const again = await staff.post(`/meetings/${id}/apply`);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('已经应用过了');
    expect(await t.app.db.issueEvent.count()).toBe(eventCount);
    expect(await t.app.db.notice.count({ where: { meetingId: id } })).toBe(1);
  });

  it('holds the decisions and says why when one of the three parties was absent', async () => {
    const issueId = await escalatedIssue({ title: '缺席时的议题' });
    const id = await convene();
    await hold(id, [world.users.community.id, world.users.propertyA.id, world.users.residentA.id]);
    const item = await itemFor(id, issueId);
    await staff.post(`/meetings/${id}/agenda/${item.id}/decision`, {
      kind: 'assign',
      party: 'property',
      dueAt: '2026-12-01T18:00',
    });
    const res = await staff.post(`/meetings/${id}/apply`);
    expect(res.statusCode).toBe(303);
    const meeting = await t.app.db.meeting.findUniqueOrThrow({ where: { id } });
    expect([meeting.heldMissingCommunity, meeting.heldMissingProperty, meeting.heldMissingCommittee]).toEqual([
      false,
      false,
      true,
    ]);
    expect(meeting.appliedAt).toBeNull();
    expect(meeting.status).toBe('held');
    expect(await issueState(issueId)).toBe('awaiting_meeting');
    expect(await t.app.db.issueEvent.count({ where: { meetingId: id } })).toBe(0);
    expect(await t.app.db.notice.count({ where: { meetingId: id } })).toBe(0);
    const page = await staff.get(`/meetings/${id}`);
    expect(page.body).toContain('决定暂缓执行');
    expect(page.body).toContain('业委会未出席');
  });

  it('refuses a decision on an issue another meeting already decided, and an apply that would use a stale one', async () => {
    const issueId = await escalatedIssue({ title: '两个会议都列入的议题' });
    const first = await convene({ title: '会议一' });
    const second = await convene({ title: '会议二', startsAt: '2026-11-21T17:00', endsAt: '2026-11-21T18:00' });
    await hold(first, everyone());
    await hold(second, everyone());
    const stale = await itemFor(second, issueId);
    // recorded while the issue still awaits a meeting ...
    expect((await staff.post(`/meetings/${second}/agenda/${stale.id}/decision`, { kind: 'defer', reason: '' })).statusCode).toBe(
      303,
    );
    const item = await itemFor(first, issueId);
    await staff.post(`/meetings/${first}/agenda/${item.id}/decision`, {
      kind: 'assign',
      party: 'committee',
      dueAt: '2026-12-05T18:00',
    });
    expect((await staff.post(`/meetings/${first}/apply`)).statusCode).toBe(303);
    expect(await issueState(issueId)).toBe('accepted');

    // ... then the other meeting decided it: a new decision is refused inline
    const res = await staff.post(`/meetings/${second}/agenda/${stale.id}/decision`, { kind: 'reject', reason: '重复' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('已不在“待联席议事”状态');
    expect((await t.app.db.decision.findUniqueOrThrow({ where: { agendaItemId: stale.id } })).kind).toBe('defer');

    // and applying the stale decision is refused with the item named, changing nothing
    const apply = await staff.post(`/meetings/${second}/apply`);
    expect(apply.statusCode).toBe(409);
    expect(apply.body).toContain('议程第 1 项');
    expect((await t.app.db.meeting.findUniqueOrThrow({ where: { id: second } })).appliedAt).toBeNull();
    expect(await t.app.db.issueEvent.count({ where: { meetingId: second } })).toBe(0);
  });

  it('refuses a decision before attendance is recorded', async () => {
    const issueId = await escalatedIssue();
    const id = await convene();
    const item = await itemFor(id, issueId);
    await staff.get(`/meetings/${id}`);
    const res = await staff.post(`/meetings/${id}/agenda/${item.id}/decision`, { kind: 'defer' });
    expect(res.statusCode).toBe(409);
    expect(await t.app.db.decision.count()).toBe(0);
  });
});

describe('action items', () => {
  it('are owned by a participant, shown overdue when late, and marked done by their owner only', async () => {
    const id = await convene();
    await staff.get(`/meetings/${id}`);
    const outsider = await staff.post(`/meetings/${id}/actions`, {
      ownerId: String(world.users.propertyB.id),
      title: '报价',
      dueAt: '2026-11-25T18:00',
    });
    expect(outsider.statusCode).toBe(400);
    expect(outsider.body).toContain('负责人必须是本次会议的参会人');
    const ok = await staff.post(`/meetings/${id}/actions`, {
      ownerId: String(world.users.propertyA.id),
      title: '提交屋面翻修报价',
      dueAt: '2026-11-25T18:00',
    });
    expect(ok.statusCode).toBe(303);
    await staff.post(`/meetings/${id}/actions`, {
      ownerId: String(world.users.propertyA.id),
      title: '提交屋面翻修报价',
      dueAt: '2026-11-25T18:00',
    });
    expect(await t.app.db.actionItem.count({ where: { meetingId: id } })).toBe(1);
    const action = await t.app.db.actionItem.findFirstOrThrow({ where: { meetingId: id } });

    t.clock.now = new Date('2026-11-26T00:00:00Z');
    staff = await loginAs(t.app, 'community');
    expect((await staff.get(`/meetings/${id}`)).body).toContain('overdue-item');

    const committee = await loginAs(t.app, 'committeea');
    await committee.get(`/meetings/${id}`);
    expect((await committee.post(`/meetings/${id}/actions/${action.id}/done`)).statusCode).toBe(404);
    const property = await loginAs(t.app, 'propertya');
    await property.get(`/meetings/${id}`);
    expect((await property.post(`/meetings/${id}/actions/${action.id}/done`)).statusCode).toBe(303);
    expect((await t.app.db.actionItem.findUniqueOrThrow({ where: { id: action.id } })).doneAt?.toISOString()).toBe(
      '2026-11-26T00:00:00.000Z',
    );
  });
});

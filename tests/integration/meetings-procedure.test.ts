import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { actorFor, makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { performIssueAction } from '../../src/modules/issues/index.ts';

/**
 * Issue #10, the joint meeting: a meeting where the committee was absent has its decisions held; then the
 * same community user ticks the absent member present and applies the minutes. Each step of that attack
 * is refused without a reason, and with one it is recorded (the old mark and the earlier verdict kept),
 * audited, named in the issue events and printed in the published minutes.
 */

let t: TestApp;
let world: World;

const START = new Date('2026-11-20T02:00:00Z'); // 10:00 in Shanghai
const HOUR = 3_600_000;
const MEETING_START = new Date('2026-11-21T06:00:00Z'); // 14:00 in Shanghai
const REASON = '业委会委员 committeea 实际出席，签到表原件有其签名，记录员漏勾';
const REAPPLY = '经核对签到表，三方均已出席，暂缓的决定依法应用';

let seq = 0;
/** An issue of estate A walked to awaiting_meeting through the real workflow. */
async function escalatedIssue(title: string, code = 'roof_leak') {
  const db = t.app.db;
  const cat = world.cat(code);
  const filedAt = new Date(START.getTime() - 48 * HOUR);
  const issue = await db.issue.create({
    data: {
      estateId: world.estateA.id,
      locationType: 'estate',
      isPublic: true,
      categoryId: cat.id,
      emergency: cat.emergency,
      title,
      description: '需要三方议定。',
      reporterId: world.users.residentA.id,
      submissionKey: `procedure-${++seq}`,
      respondBy: new Date(filedAt.getTime() + 24 * HOUR),
      resolveBy: new Date(filedAt.getTime() + 30 * 24 * HOUR),
      createdAt: filedAt,
    },
  });
  const community = actorFor(world.users.community, [world.estateA.id, world.estateB.id], { communityId: world.community.id });
  await performIssueAction(
    db,
    community,
    issue.id,
    'accept',
    { party: 'property', dueAt: new Date(filedAt.getTime() + 10 * 24 * HOUR) },
    { now: new Date(filedAt.getTime() + HOUR) },
  );
  await performIssueAction(
    db,
    community,
    issue.id,
    'escalate',
    { note: '提请联席会议' },
    { now: new Date(filedAt.getTime() + 2 * HOUR) },
  );
  return issue.id;
}

const everyone = () => [world.users.community.id, world.users.propertyA.id, world.users.committeeA.id, world.users.residentA.id];
const withoutCommittee = () => everyone().filter((id) => id !== world.users.committeeA.id);

async function convene(staff: Client, title: string) {
  await staff.get('/meetings/new');
  const res = await staff.post('/meetings', {
    kind: 'regular',
    title,
    place: '社区会议室',
    startsAt: '2026-11-21T14:00',
    endsAt: '2026-11-21T16:00',
    estateIds: [String(world.estateA.id)],
    participantIds: everyone().map(String),
  });
  expect(res.statusCode, res.body.slice(0, 800)).toBe(303);
  return Number(/\/meetings\/(\d+)/.exec(String(res.headers.location))?.[1]);
}

const committeeParticipant = (meetingId: number) =>
  t.app.db.meetingParticipant.findFirstOrThrow({ where: { meetingId, userId: world.users.committeeA.id } });
const marksOf = (participantId: number) =>
  t.app.db.attendanceMark.findMany({ where: { participantId }, orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }] });
const issueState = async (id: number) => (await t.app.db.issue.findUniqueOrThrow({ where: { id } })).state;
const auditOf = (meetingId: number, action: string) =>
  t.app.db.auditEntry.findMany({ where: { entityType: 'meeting', entityId: String(meetingId), action }, orderBy: { id: 'asc' } });
/** Everything the attack could write: marks, verdicts, audit entries, issue events, notices. */
const footprint = async () =>
  JSON.stringify([
    await t.app.db.attendanceMark.count(),
    await t.app.db.meetingVerdict.count(),
    await t.app.db.auditEntry.count(),
    await t.app.db.issueEvent.count(),
    await t.app.db.notice.count(),
    await t.app.db.meetingParticipant.findMany({ orderBy: { id: 'asc' }, select: { attended: true } }),
    await t.app.db.issue.findMany({ orderBy: { id: 'asc' }, select: { state: true } }),
  ]);

beforeAll(async () => {
  t = await createTestApp({}, START);
  world = await makeWorld(t.app.db);
});
afterAll(async () => t.close());

describe('the absent committee member ticked present after the decisions were held', () => {
  let staff: Client;
  let meetingId: number;
  let facade: number;
  let parking: number;

  it('holds the decisions of a meeting where the committee was absent, after a confirmation page that says so', async () => {
    facade = await escalatedIssue('3号楼外墙瓷砖脱落', 'facade_risk');
    parking = await escalatedIssue('地面停车位划线');
    staff = await loginAs(t.app, 'community');
    meetingId = await convene(staff, '甲小区十一月三方联席会议');

    t.clock.now = new Date(MEETING_START.getTime() + 5 * 60_000);
    staff = await loginAs(t.app, 'community');
    await staff.get(`/meetings/${meetingId}`);
    const held = await staff.post(`/meetings/${meetingId}/attendance`, {
      attended: withoutCommittee().map(String),
      minutes: '业委会未到会。',
    });
    expect(held.statusCode).toBe(303);
    const participant = await committeeParticipant(meetingId);
    expect(participant.attended).toBe(false);
    expect(await marksOf(participant.id)).toMatchObject([
      { attended: false, recordedById: world.users.community.id, recordedAt: t.clock.now, reason: '' },
    ]);

    for (const issueId of [facade, parking]) {
      const item = await t.app.db.agendaItem.findFirstOrThrow({ where: { meetingId, issueId } });
      const res = await staff.post(`/meetings/${meetingId}/agenda/${item.id}/decision`, {
        kind: 'reject',
        reason: '不属于三方职责',
      });
      expect(res.statusCode).toBe(303);
    }

    const confirm = await staff.get(`/meetings/${meetingId}/apply`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('业委会未出席：决定将暂缓执行');
    expect(confirm.body).toContain(`action="/meetings/${meetingId}/apply"`);
    const res = await staff.post(`/meetings/${meetingId}/apply`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('withheld=1');
    expect(await issueState(facade)).toBe('awaiting_meeting');
    expect(await issueState(parking)).toBe('awaiting_meeting');
    const verdicts = await t.app.db.meetingVerdict.findMany({ where: { meetingId } });
    expect(verdicts).toMatchObject([
      {
        verdict: 'held',
        missingCommunity: false,
        missingProperty: false,
        missingCommittee: true,
        decidedById: world.users.community.id,
      },
    ]);

    // pressing again changes nothing: the verdict stands
    const before = await footprint();
    expect((await staff.post(`/meetings/${meetingId}/apply`)).statusCode).toBe(303);
    expect(await footprint()).toBe(before);
  });

  it('refuses to tick the absent member present without a reason, writing nothing', async () => {
    t.clock.now = new Date(MEETING_START.getTime() + 2 * HOUR);
    staff = await loginAs(t.app, 'community');
    const page = await staff.get(`/meetings/${meetingId}`);
    expect(page.body).toContain('name="reason"');
    const before = await footprint();
    const res = await staff.post(`/meetings/${meetingId}/attendance`, {
      attended: everyone().map(String),
      minutes: '业委会未到会。',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('更改出席记录必须写明理由');
    // the form comes back with what was ticked
    expect(res.body).toMatch(new RegExp(`value="${world.users.committeeA.id}" checked`));
    expect(await footprint()).toBe(before);
  });

  it('records the change with a reason as a new mark, keeps the old one, and keeps the decisions held', async () => {
    const changedAt = t.clock.now;
    const res = await staff.post(`/meetings/${meetingId}/attendance`, {
      attended: everyone().map(String),
      minutes: '业委会未到会。',
      reason: REASON,
    });
    expect(res.statusCode).toBe(303);
    const participant = await committeeParticipant(meetingId);
    expect(participant.attended).toBe(true);
    const marks = await marksOf(participant.id);
    expect(marks).toHaveLength(2);
    expect(marks[0]).toMatchObject({ attended: false, reason: '' });
    expect(marks[1]).toMatchObject({
      attended: true,
      recordedById: world.users.community.id,
      recordedAt: changedAt,
      reason: REASON,
    });
    // nobody else's attendance changed, so nobody else got a mark
    expect(await t.app.db.attendanceMark.count({ where: { meetingId } })).toBe(everyone().length + 1);

    const meeting = await t.app.db.meeting.findUniqueOrThrow({ where: { id: meetingId } });
    expect(meeting.status).toBe('held');
    expect(meeting.heldMissingCommittee).toBe(true);
    expect(meeting.appliedAt).toBeNull();
    expect(await issueState(facade)).toBe('awaiting_meeting');
    expect(await t.app.db.meetingVerdict.count({ where: { meetingId } })).toBe(1);

    const [, entry] = await auditOf(meetingId, 'meeting.attendance');
    expect(entry?.actorId).toBe(world.users.community.id);
    expect(entry?.note).toBe(REASON);
    const committeeKey = `committeea #${world.users.committeeA.id}`;
    expect(JSON.parse(entry?.beforeJson ?? '{}').attended[committeeKey]).toBe(false);
    expect(JSON.parse(entry?.afterJson ?? '{}')).toMatchObject({ attended: { [committeeKey]: true }, reason: REASON });

    const page = await staff.get(`/meetings/${meetingId}`);
    expect(page.body).toContain('决定暂缓执行');
    expect(page.body).toContain('应用时须写明理由');
    expect(page.body).toContain(`committeea（业委会）缺席 → 出席，由 community 于 2026-11-21 16:00 更正，理由：${REASON}`);
  });

  it('refuses to re-apply the held decisions without a reason, writing nothing', async () => {
    const confirm = await staff.get(`/meetings/${meetingId}/apply`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('3号楼外墙瓷砖脱落');
    expect(confirm.body).toContain('不予受理，理由：不属于三方职责');
    expect(confirm.body).toContain('因业委会未出席而暂缓');
    expect(confirm.body).toContain('name="reason"');

    const before = await footprint();
    for (const reason of [undefined, '   ']) {
      const res = await staff.post(`/meetings/${meetingId}/apply`, reason === undefined ? {} : { reason });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('出席记录更正后再应用必须写明理由');
      expect(await footprint()).toBe(before);
    }
  });

  it('applies them with a reason, audited, the earlier verdict kept, the events naming the user who applied them', async () => {
    const appliedAt = new Date(t.clock.now.getTime() + 10 * 60_000);
    t.clock.now = appliedAt;
    await staff.get(`/meetings/${meetingId}/apply`);
    const res = await staff.post(`/meetings/${meetingId}/apply`, { reason: REAPPLY });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('applied=1');
    expect(await issueState(facade)).toBe('rejected');
    expect(await issueState(parking)).toBe('rejected');

    const verdicts = await t.app.db.meetingVerdict.findMany({ where: { meetingId }, orderBy: { id: 'asc' } });
    expect(verdicts).toMatchObject([
      { verdict: 'held', missingCommittee: true, reason: '' },
      {
        verdict: 'applied',
        missingCommittee: false,
        decidedById: world.users.community.id,
        decidedAt: appliedAt,
        reason: REAPPLY,
      },
    ]);

    const applies = await auditOf(meetingId, 'meeting.apply');
    const applied = applies.at(-1);
    expect(applied?.actorId).toBe(world.users.community.id);
    expect(applied?.note).toBe(REAPPLY);
    expect(JSON.parse(applied?.beforeJson ?? '{}')).toEqual({ status: 'held', missing: ['committee'] });
    expect(JSON.parse(applied?.afterJson ?? '{}')).toMatchObject({ status: 'closed', outcome: 'applied', reason: REAPPLY });

    const events = await t.app.db.issueEvent.findMany({ where: { meetingId }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.issueId, e.action, e.actorId, e.actorRole])).toEqual([
      [facade, 'meeting_reject', world.users.community.id, 'community'],
      [parking, 'meeting_reject', world.users.community.id, 'community'],
    ]);
    const issuePage = await staff.get(`/issues/${facade}`);
    expect(issuePage.body).not.toContain('系统');
  });

  it('publishes minutes that list the attendance as recorded, with its history and the verdicts', async () => {
    const notice = await t.app.db.notice.findFirstOrThrow({ where: { meetingId, kind: 'meeting_decision' } });
    expect(notice.body).toContain('committeea（业委会）：出席（由 community 于 2026-11-21 14:05 记录）');
    expect(notice.body).toContain(`committeea（业委会）缺席 → 出席，由 community 于 2026-11-21 16:00 更正，理由：${REASON}`);
    expect(notice.body).toContain('2026-11-21 14:05 community 提交应用：业委会未出席，决定暂缓执行');
    expect(notice.body).toContain(`2026-11-21 16:10 community 应用会议决定，理由：${REAPPLY}`);
    // a resident representative is named masked on the board
    expect(notice.body).toContain('王**（居民代表）：出席');

    const resident = await loginAs(t.app, 'residenta');
    const board = await resident.get(`/notices/${notice.id}`);
    expect(board.statusCode).toBe(200);
    expect(board.body).toContain('缺席 → 出席');

    const printable = await resident.get(`/meetings/${meetingId}/minutes`);
    expect(printable.statusCode).toBe(200);
    expect(printable.body).toContain(`committeea（业委会）缺席 → 出席，由 community 于 2026-11-21 16:00 更正，理由：${REASON}`);
    expect(printable.body).toContain(`应用会议决定，理由：${REAPPLY}`);
    expect(printable.body).toContain('提交应用：业委会未出席，决定暂缓执行');

    const page = await staff.get(`/meetings/${meetingId}`);
    expect(page.body).toContain('缺席 → 出席');
    expect(page.body).toContain(`应用会议决定，理由：${REAPPLY}`);
  });
});

describe('attendance before any verdict', () => {
  it('is corrected without a reason, and the correction is still a mark of its own', async () => {
    t.clock.now = START;
    let staff = await loginAs(t.app, 'community');
    const id = await convene(staff, '甲小区临时会议');
    t.clock.now = new Date(MEETING_START.getTime() + 5 * 60_000);
    staff = await loginAs(t.app, 'community');
    await staff.get(`/meetings/${id}`);
    expect(
      (await staff.post(`/meetings/${id}/attendance`, { attended: withoutCommittee().map(String), minutes: '' })).statusCode,
    ).toBe(303);
    t.clock.now = new Date(t.clock.now.getTime() + 60_000);
    expect((await staff.post(`/meetings/${id}/attendance`, { attended: everyone().map(String), minutes: '' })).statusCode).toBe(
      303,
    );
    const marks = await marksOf((await committeeParticipant(id)).id);
    expect(marks.map((m) => [m.attended, m.reason])).toEqual([
      [false, ''],
      [true, ''],
    ]);
    // the same form again is no change, so no mark
    expect((await staff.post(`/meetings/${id}/attendance`, { attended: everyone().map(String), minutes: '' })).statusCode).toBe(
      303,
    );
    expect(await marksOf((await committeeParticipant(id)).id)).toHaveLength(2);
  });
});

describe('asking first', () => {
  it('shows what cancelling will do, and the form still cancels', async () => {
    t.clock.now = START;
    const staff = await loginAs(t.app, 'community');
    const id = await convene(staff, '将要取消的会议');
    const show = await staff.get(`/meetings/${id}`);
    expect(show.body).toContain(`href="/meetings/${id}/cancel"`);
    const confirm = await staff.get(`/meetings/${id}/cancel`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('“将要取消的会议”（2026-11-21 14:00，社区会议室）将被取消');
    expect(confirm.body).toContain('3 位参会人将收到取消通知');
    expect(confirm.body).toContain(`action="/meetings/${id}/cancel"`);
    expect((await t.app.db.meeting.findUniqueOrThrow({ where: { id } })).status).toBe('scheduled');

    expect((await staff.post(`/meetings/${id}/cancel`)).statusCode).toBe(303);
    expect((await t.app.db.meeting.findUniqueOrThrow({ where: { id } })).status).toBe('cancelled');
    // asking again after the fact leads back to the meeting
    const again = await staff.get(`/meetings/${id}/cancel`);
    expect(again.statusCode).toBe(303);
  });

  it('lists which decision applies to which issue before applying, and the form applies them', async () => {
    t.clock.now = START;
    const issueId = await escalatedIssue('绿化带补种');
    let staff = await loginAs(t.app, 'community');
    const id = await convene(staff, '甲小区十二月三方联席会议');
    t.clock.now = new Date(MEETING_START.getTime() + 5 * 60_000);
    staff = await loginAs(t.app, 'community');
    await staff.get(`/meetings/${id}`);
    expect((await staff.post(`/meetings/${id}/attendance`, { attended: everyone().map(String), minutes: '' })).statusCode).toBe(
      303,
    );
    const item = await t.app.db.agendaItem.findFirstOrThrow({ where: { meetingId: id, issueId } });
    await staff.post(`/meetings/${id}/agenda/${item.id}/decision`, {
      kind: 'assign',
      party: 'property',
      dueAt: '2026-12-01T18:00',
    });

    const show = await staff.get(`/meetings/${id}`);
    expect(show.body).toContain(`href="/meetings/${id}/apply"`);
    const confirm = await staff.get(`/meetings/${id}/apply`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('绿化带补种');
    expect(confirm.body).toContain('交由物业办理，2026-12-01 18:00 前办结');
    expect(confirm.body).not.toContain('name="reason"');
    expect(await issueState(issueId)).toBe('awaiting_meeting');

    const res = await staff.post(`/meetings/${id}/apply`);
    expect(res.statusCode).toBe(303);
    expect(await issueState(issueId)).toBe('accepted');
    const [event] = await t.app.db.issueEvent.findMany({ where: { meetingId: id } });
    expect([event?.actorId, event?.actorRole]).toEqual([world.users.community.id, 'community']);
    // once applied, the confirmation page says it cannot be applied again
    const after = await staff.get(`/meetings/${id}/apply`);
    expect(after.statusCode).toBe(409);
    expect(after.body).toContain('已经应用过了');
  });

  it('keeps the confirmation pages to the convener: another party gets a 404, a malformed id a 400', async () => {
    t.clock.now = START;
    const staff = await loginAs(t.app, 'community');
    const id = await convene(staff, '只给召集人看的确认页');
    const property = await loginAs(t.app, 'propertya');
    expect((await property.get(`/meetings/${id}/cancel`)).statusCode).toBe(404);
    expect((await property.get(`/meetings/${id}/apply`)).statusCode).toBe(404);
    const other = await loginAs(t.app, 'community2');
    expect((await other.get(`/meetings/${id}/cancel`)).statusCode).toBe(404);
    for (const bad of ['abc', '0', '1.5', '99999999999999999999']) {
      expect((await staff.get(`/meetings/${bad}/apply`)).statusCode).toBe(400);
      expect((await staff.get(`/meetings/${bad}/cancel`)).statusCode).toBe(400);
      expect((await staff.get(`/meetings/${bad}/minutes`)).statusCode).toBe(400);
    }
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/generated/prisma/client.ts';
import { trustProxy } from '../../src/config.ts';
import { closeDueVotesJob } from '../../src/modules/votes/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { IMAGES, loginAs, type Client } from '../helpers/client.ts';
import { makeIssue, seedOwners, type Owners } from './votes-fixtures.ts';

/**
 * The record-changing actions of the roster, meetings, votes and ledger each append exactly one audit
 * entry in the transaction of the change: who (the signed-in actor), from where (request.ip, here through
 * a trusted proxy's X-Forwarded-For), when (the app's clock), under which community and estate, and the
 * record before and after. A refused action writes none.
 */

let t: TestApp;
let w: World;
let o: Owners;

const START = new Date('2026-11-20T02:00:00Z'); // 10:00 in Shanghai
/** The client's address as the trusted proxy reports it on form posts. */
const CLIENT_IP = '203.0.113.7';
const VIA_PROXY = { 'x-forwarded-for': CLIENT_IP };
/** Multipart posts come straight from the test client (the proxy's own address, no header). */
const DIRECT_IP = '127.0.0.1';

/** Where the log stood before the action under test. */
let mark = 0;

beforeAll(async () => {
  t = await createTestApp({ trustProxy: trustProxy('127.0.0.1') }, START);
  w = await makeWorld(t.app.db);
  o = await seedOwners(t.app.db, w);
});
afterAll(async () => t.close());
beforeEach(async () => {
  t.clock.now = START;
});

/** Signs in (which logs a login of its own), then marks the log: what follows is the action's. */
async function signIn(username: string): Promise<Client> {
  const client = await loginAs(t.app, username);
  await markLog();
  return client;
}

async function markLog() {
  mark = (await t.app.db.auditEntry.aggregate({ _max: { id: true } }))._max.id ?? 0;
}

/** Entries written since the mark, logins aside (a client signing in again is not the action). */
async function written(): Promise<AuditEntry[]> {
  const rows = await t.app.db.auditEntry.findMany({ where: { id: { gt: mark } }, orderBy: { id: 'asc' } });
  return rows.filter((e) => !e.action.startsWith('login.'));
}

/** The one entry the action wrote (it must be the only one), with its before and after read back. */
async function theEntry(action: string) {
  const rows = await written();
  expect(rows.map((e) => e.action)).toEqual([action]);
  const entry = rows[0] as AuditEntry;
  await markLog();
  return {
    ...entry,
    before: entry.beforeJson === '' ? undefined : (JSON.parse(entry.beforeJson) as Record<string, unknown>),
    after: entry.afterJson === '' ? undefined : (JSON.parse(entry.afterJson) as Record<string, unknown>),
  };
}

async function nothingWritten() {
  expect((await written()).map((e) => e.action)).toEqual([]);
}

function expectActor(entry: AuditEntry, user: { id: number; displayName: string; role: string }, ip = CLIENT_IP) {
  expect(entry).toMatchObject({ actorId: user.id, actorName: user.displayName, actorRole: user.role, ip });
  expect(entry.at.toISOString()).toBe(t.clock.now.toISOString());
}

const inEstateA = () => ({ communityId: w.community.id, estateId: w.estateA.id });

describe('the roster in the audit log', () => {
  const HEADER = '楼栋,单元,房号,楼层,专有面积,业主姓名,手机号,业主编号,开发商未售';
  const FILE = [
    HEADER,
    '9号楼,1,601,6,98.50,周敏,13811110000,K001,否',
    '9号楼,1,602,6,86.35,吴刚,,K002,否',
    '9号楼,2,601,6,120.00,,,,是',
  ].join('\r\n');
  const upload = async (client: Client, text: string, estateId: number) => {
    await client.get('/roster');
    await markLog();
    return client.postMultipart(
      '/roster/import',
      { estateId: String(estateId) },
      { file: [{ filename: '甲小区名册.csv', contentType: 'text/csv', data: Buffer.from(text) }] },
    );
  };

  it('an import is logged once with its counts, the estate and the file name', async () => {
    const committee = await signIn('committeea');
    const ownersBefore = await t.app.db.owner.count({ where: { estateId: w.estateA.id } });
    expect((await upload(committee, FILE, w.estateA.id)).statusCode).toBe(200);
    const entry = await theEntry('roster.import');
    expectActor(entry, w.users.committeeA, DIRECT_IP);
    expect(entry).toMatchObject({ ...inEstateA(), entityType: 'estate', entityId: String(w.estateA.id), note: '甲小区名册.csv' });
    expect(entry.before).toEqual({ ownersInEstate: ownersBefore });
    expect(entry.after).toEqual({
      rows: 3,
      units: 3,
      unitsCreated: 3,
      unitsUpdated: 0,
      ownersInFile: 3,
      ownersInEstate: ownersBefore + 2,
    });
  });

  it('a file with a bad row, or another estate, logs nothing', async () => {
    const committee = await signIn('committeea');
    expect((await upload(committee, `${HEADER}\r\n9号楼,1,603,6,-5,甲,,X1,否`, w.estateA.id)).statusCode).toBe(400);
    await nothingWritten();
    expect((await upload(committee, FILE, w.estateB.id)).statusCode).toBe(404);
    await nothingWritten();
  });

  it('a hand edit of a unit is logged with its area, floor, unsold flag and owners before and after', async () => {
    const committee = await signIn('committeea');
    await committee.get(`/roster/units/${w.unitA3.id}`);
    await markLog();
    const res = await committee.post(
      `/roster/units/${w.unitA3.id}`,
      { area: '120.50', floor: '1', owners: 'A6, 孙五, 13600000006\nA7, 周敏, 13700000007' },
      VIA_PROXY,
    );
    expect(res.statusCode).toBe(303);
    const entry = await theEntry('roster.edit');
    expectActor(entry, w.users.committeeA);
    expect(entry).toMatchObject({ ...inEstateA(), entityType: 'unit', entityId: String(w.unitA3.id), note: '6号楼 1 101' });
    expect(entry.before).toEqual({ area: '120.00', floor: 1, developerUnsold: false, owners: ['A6 孙五 136****0006'] });
    expect(entry.after).toEqual({
      area: '120.50',
      floor: 1,
      developerUnsold: false,
      owners: ['A6 孙五 136****0006', 'A7 周敏 137****0007'],
    });
  });

  it('a refused edit, or one from another estate’s staff, logs nothing', async () => {
    const committee = await signIn('committeea');
    await committee.get(`/roster/units/${w.unitA3.id}`);
    await markLog();
    expect(
      (await committee.post(`/roster/units/${w.unitA3.id}`, { area: '-3', floor: '1', owners: 'A6, 孙五' }, VIA_PROXY))
        .statusCode,
    ).toBe(400);
    await nothingWritten();
    const other = await signIn('propertyb');
    await other.get('/roster');
    await markLog();
    expect(
      (await other.post(`/roster/units/${w.unitA3.id}`, { area: '99', floor: '1', owners: 'Z1, 某人' }, VIA_PROXY)).statusCode,
    ).toBe(404);
    await nothingWritten();
  });
});

describe('joint meetings in the audit log', () => {
  const u = () => w.users;
  const everyone = () => [u().community.id, u().propertyA.id, u().committeeA.id, u().residentA.id];
  const form = (overrides: Record<string, string | string[]> = {}) => ({
    kind: 'regular',
    title: '甲小区三方联席会议',
    place: '社区会议室',
    startsAt: '2026-11-21T14:00',
    endsAt: '2026-11-21T16:00',
    estateIds: [String(w.estateA.id)],
    participantIds: everyone().map(String),
    ...overrides,
  });

  async function convene(staff: Client, overrides: Record<string, string | string[]> = {}) {
    await staff.get('/meetings/new');
    await markLog();
    const res = await staff.post('/meetings', form(overrides), VIA_PROXY);
    expect(res.statusCode).toBe(303);
    return Number(/\/meetings\/(\d+)/.exec(String(res.headers.location))?.[1]);
  }

  const attendance = (present: number[]) => Object.fromEntries(everyone().map((id) => [nameOf(id), present.includes(id)]));
  const nameOf = (id: number) => {
    const user = Object.values(w.users).find((x) => x.id === id);
    return `${user?.displayName} #${id}`;
  };

  it('convening, attendance, decisions, held and applied minutes are each logged once', async () => {
    // Nothing else waits for a meeting: the agenda is this test's one issue.
    await t.app.db.issue.updateMany({ where: { state: 'awaiting_meeting' }, data: { state: 'closed' } });
    const issue = await makeIssue(t.app.db, w, 'awaiting_meeting');
    let staff = await signIn('community');
    const id = await convene(staff);
    const convened = await theEntry('meeting.convene');
    expectActor(convened, u().community);
    expect(convened).toMatchObject({ ...inEstateA(), entityType: 'meeting', entityId: String(id) });
    expect(convened.before).toBeUndefined();
    expect(convened.after).toMatchObject({
      title: '甲小区三方联席会议',
      place: '社区会议室',
      estateIds: [w.estateA.id],
      agendaItems: 1,
    });
    expect(convened.after?.participants).toHaveLength(4);

    // the meeting starts; the committee is absent
    t.clock.now = new Date('2026-11-21T06:05:00Z');
    staff = await signIn('community');
    await staff.get(`/meetings/${id}`);
    await markLog();
    const present = [u().community.id, u().propertyA.id, u().residentA.id];
    expect(
      (await staff.post(`/meetings/${id}/attendance`, { attended: present.map(String), minutes: '三方到会。' }, VIA_PROXY))
        .statusCode,
    ).toBe(303);
    const first = await theEntry('meeting.attendance');
    expectActor(first, u().community);
    expect(first).toMatchObject({ ...inEstateA(), entityType: 'meeting', entityId: String(id) });
    expect(first.before).toEqual({
      status: 'scheduled',
      attended: Object.fromEntries(everyone().map((p) => [nameOf(p), null])),
      minutes: '',
    });
    expect(first.after).toEqual({ status: 'held', attended: attendance(present), minutes: '三方到会。' });

    const item = await t.app.db.agendaItem.findFirstOrThrow({ where: { meetingId: id, issueId: issue.id } });
    const decide = (fields: Record<string, string>) =>
      staff.post(`/meetings/${id}/agenda/${item.id}/decision`, fields, VIA_PROXY);
    expect((await decide({ kind: 'defer', reason: '再议' })).statusCode).toBe(303);
    const deferred = await theEntry('meeting.decision');
    expectActor(deferred, u().community);
    expect(deferred.before).toBeUndefined();
    expect(deferred.after).toMatchObject({
      agendaItemId: item.id,
      issueId: issue.id,
      kind: 'defer',
      reason: '再议',
      party: null,
    });
    expect((await decide({ kind: 'assign', party: 'property', dueAt: '2026-12-01T18:00' })).statusCode).toBe(303);
    const assigned = await theEntry('meeting.decision');
    expect(assigned.before).toMatchObject({ kind: 'defer', reason: '再议' });
    expect(assigned.after).toMatchObject({ kind: 'assign', party: 'property', reason: '' });
    expect(assigned.after?.dueAt).toBe('2026-12-01 18:00');

    // a refused decision logs nothing
    expect((await decide({ kind: 'reject', reason: '' })).statusCode).toBe(400);
    await nothingWritten();

    expect((await staff.post(`/meetings/${id}/apply`, {}, VIA_PROXY)).statusCode).toBe(303);
    const held = await theEntry('meeting.apply');
    expectActor(held, u().community);
    expect(held.before).toEqual({ status: 'held', missing: [] });
    expect(held.after).toEqual({
      status: 'held',
      outcome: 'held',
      held: [{ agendaItemId: item.id, issueId: issue.id, kind: 'assign' }],
      missing: ['committee'],
    });

    // after the verdict, a change of attendance needs a reason (issue #10); the decisions stay held
    expect(
      (await staff.post(`/meetings/${id}/attendance`, { attended: everyone().map(String), minutes: '三方到会。' }, VIA_PROXY))
        .statusCode,
    ).toBe(400);
    await nothingWritten();
    expect(
      (
        await staff.post(
          `/meetings/${id}/attendance`,
          { attended: everyone().map(String), minutes: '三方到会。', reason: '业委会委员实际出席，签到表漏勾' },
          VIA_PROXY,
        )
      ).statusCode,
    ).toBe(303);
    const second = await theEntry('meeting.attendance');
    expect(second.before).toMatchObject({ status: 'held', attended: attendance(present) });
    expect(second.after).toMatchObject({
      status: 'held',
      attended: attendance(everyone()),
      reason: '业委会委员实际出席，签到表漏勾',
    });
    expect(second.note).toBe('业委会委员实际出席，签到表漏勾');

    // re-applying the held decisions needs a reason of its own
    expect((await staff.post(`/meetings/${id}/apply`, {}, VIA_PROXY)).statusCode).toBe(400);
    await nothingWritten();
    expect((await staff.post(`/meetings/${id}/apply`, { reason: '签到表核对无误，依法应用' }, VIA_PROXY)).statusCode).toBe(303);
    const applied = await theEntry('meeting.apply');
    expectActor(applied, u().community);
    expect(applied.note).toBe('签到表核对无误，依法应用');
    expect(applied.before).toEqual({ status: 'held', missing: ['committee'] });
    expect(applied.after).toEqual({
      status: 'closed',
      outcome: 'applied',
      applied: [{ agendaItemId: item.id, issueId: issue.id, action: 'meeting_assign' }],
      missing: [],
      reason: '签到表核对无误，依法应用',
    });

    // applying again is refused (409) and logs nothing
    expect((await staff.post(`/meetings/${id}/apply`, {}, VIA_PROXY)).statusCode).toBe(409);
    await nothingWritten();
  });

  it('cancelling is logged once; a bad form, another party or another community logs nothing', async () => {
    const staff = await signIn('community');
    await staff.get('/meetings/new');
    await markLog();
    expect((await staff.post('/meetings', form({ title: '' }), VIA_PROXY)).statusCode).toBe(400);
    await nothingWritten();

    const id = await convene(staff, { title: '将要取消的会议' });
    await theEntry('meeting.convene');
    const property = await signIn('propertya');
    await property.get(`/meetings/${id}`);
    await markLog();
    expect([403, 404]).toContain((await property.post(`/meetings/${id}/cancel`, {}, VIA_PROXY)).statusCode);
    await nothingWritten();
    const elsewhere = await signIn('community2');
    await elsewhere.get('/meetings');
    await markLog();
    expect((await elsewhere.post(`/meetings/${id}/cancel`, {}, VIA_PROXY)).statusCode).toBe(404);
    await nothingWritten();

    await staff.get(`/meetings/${id}`);
    await markLog();
    expect((await staff.post(`/meetings/${id}/cancel`, {}, VIA_PROXY)).statusCode).toBe(303);
    const cancelled = await theEntry('meeting.cancel');
    expectActor(cancelled, u().community);
    expect(cancelled).toMatchObject({ ...inEstateA(), entityType: 'meeting', entityId: String(id), note: '将要取消的会议' });
    expect(cancelled.before).toEqual({ status: 'scheduled' });
    expect(cancelled.after).toEqual({ status: 'cancelled' });
  });
});

describe('fund votes and ballots in the audit log', () => {
  const proposalForm = (overrides: Record<string, string> = {}) => ({
    estateId: String(w.estateA.id),
    issueId: '',
    matter: 'use_fund',
    title: '5号楼屋面防水翻修',
    description: '整体翻修屋面防水层。',
    scope: 'buildings',
    buildingIds: [String(w.buildingA.id)],
    amount: '386,000.00',
    opensAt: '',
    closesAt: '2026-11-28T18:00', // the estate's minimum voting period is 7 days
    ...overrides,
  });

  async function draft(committee: Client, overrides: Record<string, string> = {}) {
    await committee.get('/votes/new');
    const res = await committee.post('/votes', proposalForm(overrides));
    expect(res.statusCode).toBe(303);
    return Number(/\/votes\/(\d+)/.exec(String(res.headers.location))?.[1]);
  }

  async function open(committee: Client, title: string, closesAt = '2026-11-28T18:00') {
    const id = await draft(committee, { title, closesAt });
    await committee.get(`/votes/${id}`);
    await markLog();
    expect((await committee.post(`/votes/${id}/open`, {}, VIA_PROXY)).statusCode).toBe(303);
    return id;
  }

  it('opening a vote is logged once; opening by a resident or another estate logs nothing', async () => {
    const committee = await signIn('committeea');
    const draftId = await draft(committee, { title: '开启测试草稿' });
    const resident = await signIn('residenta');
    await resident.get('/votes');
    await markLog();
    expect([403, 404]).toContain((await resident.post(`/votes/${draftId}/open`, {}, VIA_PROXY)).statusCode);
    await nothingWritten();
    const other = await signIn('propertyb');
    await other.get('/votes');
    await markLog();
    expect([403, 404]).toContain((await other.post(`/votes/${draftId}/open`, {}, VIA_PROXY)).statusCode);
    await nothingWritten();

    await committee.get(`/votes/${draftId}`);
    await markLog();
    expect((await committee.post(`/votes/${draftId}/open`, {}, VIA_PROXY)).statusCode).toBe(303);
    const opened = await theEntry('vote.open');
    expectActor(opened, w.users.committeeA);
    expect(opened).toMatchObject({ ...inEstateA(), entityType: 'fund_proposal', entityId: String(draftId) });
    expect(opened.before).toEqual({ status: 'draft' });
    expect(opened.after).toMatchObject({ status: 'open', title: '开启测试草稿', amount: '386,000.00', electorateUnits: 6 });
  });

  it('an owner’s online ballot and its change are logged with the choice before and after', async () => {
    const committee = await signIn('committeea');
    const id = await open(committee, '网上投票测试');
    await theEntry('vote.open');
    const wang = await signIn('residenta');
    const vote = async (choice: string) => {
      await wang.get(`/votes/${id}`);
      await markLog();
      return wang.post(`/votes/${id}/ballot`, { voterKey: o.keys.wang, choice }, VIA_PROXY);
    };
    expect((await vote('agree')).statusCode).toBe(303);
    const cast = await theEntry('ballot.cast');
    expectActor(cast, w.users.residentA);
    expect(cast).toMatchObject({ ...inEstateA(), entityType: 'ballot' });
    expect(cast.before).toEqual({ proposalId: id, voterKey: o.keys.wang, choice: null, channel: null, recorder: '' });
    expect(cast.after).toEqual({
      proposalId: id,
      voterKey: o.keys.wang,
      choice: 'agree',
      channel: 'online',
      recorder: '',
      replaces: 'nothing',
    });

    expect((await vote('disagree')).statusCode).toBe(303);
    const changed = await theEntry('ballot.cast');
    expect(changed.entityId).toBe(cast.entityId);
    expect(changed.before).toMatchObject({ choice: 'agree', channel: 'online' });
    expect(changed.after).toMatchObject({ choice: 'disagree', channel: 'online' });

    // someone else's ballot, or a choice that does not exist: refused, nothing logged
    expect((await wang.post(`/votes/${id}/ballot`, { voterKey: o.keys.zhang, choice: 'agree' }, VIA_PROXY)).statusCode).toBe(403);
    await nothingWritten();
    expect((await wang.post(`/votes/${id}/ballot`, { voterKey: o.keys.wang, choice: 'maybe' }, VIA_PROXY)).statusCode).toBe(400);
    await nothingWritten();
  });

  it('a ballot recorded by the committee is logged with the voter, channel, choice, recorder, agent, signature date and evidence', async () => {
    const committee = await signIn('committeea');
    const id = await open(committee, '代录测试');
    await theEntry('vote.open');
    const scan = { evidence: [{ filename: '表决票.png', contentType: 'image/png', data: IMAGES.png }] };
    // the record form is multipart (the signed paper's scan), so it comes straight from the test client
    const record = async (fields: Record<string, string>, files: typeof scan | Record<string, never> = scan) => {
      await committee.get(`/votes/${id}/record`);
      await markLog();
      return committee.postMultipart(
        `/votes/${id}/record`,
        { voterKey: o.keys.zhang, choice: 'agree', channel: 'paper', signedAt: '2026-11-20', ...fields },
        files,
      );
    };
    expect((await record({}, {})).statusCode).toBe(400);
    await nothingWritten();

    expect((await record({ recorderName: '陈志强' })).statusCode).toBe(303);
    const recorded = await theEntry('ballot.record');
    expectActor(recorded, w.users.committeeA, DIRECT_IP);
    expect(recorded).toMatchObject({ ...inEstateA(), entityType: 'ballot' });
    expect(recorded.before).toEqual({
      proposalId: id,
      voterKey: o.keys.zhang,
      choice: null,
      channel: null,
      recorder: '',
      agent: '',
      signedAt: null,
    });
    expect(recorded.after).toEqual({
      proposalId: id,
      voterKey: o.keys.zhang,
      choice: 'agree',
      channel: 'paper',
      recorder: w.users.committeeA.displayName,
      agent: '',
      signedAt: '2026-11-20', // signed on a day, no time given: shown as the date
      evidence: 1,
      replaces: 'nothing',
    });

    expect((await record({ choice: 'abstain', channel: 'proxy', agentName: '刘洋', signedTime: '09:00' })).statusCode).toBe(303);
    const again = await theEntry('ballot.record');
    expect(again.before).toMatchObject({ choice: 'agree', channel: 'paper', recorder: w.users.committeeA.displayName });
    expect(again.after).toMatchObject({
      choice: 'abstain',
      channel: 'proxy',
      recorder: w.users.committeeA.displayName,
      agent: '刘洋',
      signedAt: '2026-11-20 09:00',
      evidence: 1,
      replaces: 'paper',
    });

    // a resident cannot record for someone
    const resident = await signIn('residenta');
    await resident.get(`/votes/${id}`);
    await markLog();
    expect([403, 404]).toContain(
      (
        await resident.post(
          `/votes/${id}/record`,
          { voterKey: o.keys.zhang, choice: 'agree', channel: 'paper', recorderName: 'x' },
          VIA_PROXY,
        )
      ).statusCode,
    );
    await nothingWritten();
  });

  it('closing by the committee and by the scheduler, and withdrawing a draft, are each logged once', async () => {
    const committee = await signIn('committeea');
    const id = await open(committee, '结束测试');
    await theEntry('vote.open');
    const other = await signIn('propertyb');
    await other.get('/votes');
    await markLog();
    expect((await other.post(`/votes/${id}/close`, {}, VIA_PROXY)).statusCode).toBe(404);
    await nothingWritten();

    // nobody has voted, so the committee closes it at its closing time (an early close is refused)
    t.clock.now = new Date('2026-11-28T10:00:00Z');
    const member = await signIn('committeea');
    await member.get(`/votes/${id}/close`);
    await markLog();
    expect((await member.post(`/votes/${id}/close`, {}, VIA_PROXY)).statusCode).toBe(303);
    const closed = await theEntry('vote.close');
    expectActor(closed, w.users.committeeA);
    expect(closed).toMatchObject({ ...inEstateA(), entityType: 'fund_proposal', entityId: String(id), note: '结束测试' });
    expect(closed.before).toEqual({ status: 'open' });
    expect(closed.after).toMatchObject({ status: 'failed', participatingHeadcount: 0, totalHeadcount: 5 });
    expect((await member.post(`/votes/${id}/close`, {}, VIA_PROXY)).statusCode).toBe(409);
    await nothingWritten();
    t.clock.now = START;

    // the other tests' votes close a day later: only this one is due
    const due = await open(committee, '到期自动结束', '2026-11-27T18:00');
    await theEntry('vote.open');
    expect(await closeDueVotesJob.run(t.app, new Date('2026-11-27T10:00:00Z'))).toBe(1);
    const byScheduler = await theEntry('vote.close');
    expect(byScheduler).toMatchObject({ actorId: null, actorName: '', ip: '', ...inEstateA(), entityId: String(due) });
    expect(byScheduler.at.toISOString()).toBe('2026-11-27T10:00:00.000Z');

    const draftId = await draft(committee, { title: '撤回测试' });
    await committee.get(`/votes/${draftId}`);
    await markLog();
    await committee.get(`/votes/${draftId}/cancel`);
    expect((await committee.post(`/votes/${draftId}/cancel`, { reason: '重复发起' }, VIA_PROXY)).statusCode).toBe(303);
    const withdrawn = await theEntry('vote.cancel');
    expectActor(withdrawn, w.users.committeeA);
    expect(withdrawn).toMatchObject({ ...inEstateA(), entityType: 'fund_proposal', entityId: String(draftId) });
    expect(withdrawn.before).toEqual({ status: 'draft' });
    expect(withdrawn.after).toEqual({ status: 'cancelled' });
    expect((await committee.post(`/votes/${draftId}/cancel`, {}, VIA_PROXY)).statusCode).toBe(409);
    await nothingWritten();
  });

  it('each step of the emergency path is logged once; a step out of order logs nothing', async () => {
    const emergency = await t.app.db.category.findFirstOrThrow({ where: { emergency: true } });
    const issue = await makeIssue(t.app.db, w, 'awaiting_vote', { code: emergency.code });
    const committee = await signIn('committeea');
    const id = await draft(committee, { title: '外墙应急加固', issueId: String(issue.id), closesAt: '2026-11-28T18:00' });
    const staff = await signIn('community');
    await staff.get(`/votes/${id}/emergency`);
    await markLog();
    expect((await staff.post(`/votes/${id}/emergency/confirm`, { note: '已现场核实' }, VIA_PROXY)).statusCode).toBe(409);
    await nothingWritten();
    await committee.get(`/votes/${id}/emergency/apply`);
    await markLog();
    const note = '外墙瓷砖随时可能脱落';
    expect((await committee.post(`/votes/${id}/emergency/apply`, { note }, VIA_PROXY)).statusCode).toBe(303);
    const applied = await theEntry('vote.emergency_apply');
    expectActor(applied, w.users.committeeA);
    expect(applied).toMatchObject({ ...inEstateA(), entityType: 'fund_proposal', entityId: String(id), note });
    expect(applied.before).toEqual({ status: 'draft', emergencyAppliedAt: null });
    expect(applied.after).toEqual({ status: 'draft', emergency: true, amount: '386,000.00', issueId: issue.id });
    await staff.get(`/votes/${id}/emergency/confirm`);
    await markLog();
    expect((await staff.post(`/votes/${id}/emergency/confirm`, { note: '已现场核实' }, VIA_PROXY)).statusCode).toBe(303);
    const confirmed = await theEntry('vote.emergency_confirm');
    expectActor(confirmed, w.users.community);
    expect(confirmed).toMatchObject({ ...inEstateA(), entityType: 'fund_proposal', entityId: String(id), note: '已现场核实' });
    expect(confirmed.before).toEqual({ confirmedAt: null });
    expect(confirmed.after).toEqual({ confirmedById: w.users.community.id, confirmedAt: '2026-11-20 10:00' });
  });
});

describe('the fund ledger in the audit log', () => {
  it('spending is logged once with the amounts before and after; refused spending logs nothing', async () => {
    const p = await t.app.db.fundProposal.create({
      data: {
        estateId: w.estateA.id,
        matter: 'use_fund',
        title: '5号楼屋面翻修（台账）',
        scope: 'estate',
        amountFen: 10_000_000,
        status: 'passed',
        createdById: w.users.committeeA.id,
      },
    });
    await t.app.db.fundLedgerEntry.create({
      data: {
        estateId: w.estateA.id,
        proposalId: p.id,
        kind: 'approved',
        amountFen: 10_000_000,
        recordedById: w.users.committeeA.id,
      },
    });
    const committee = await signIn('committeea');
    const spend = async (client: Client, fields: Record<string, string>) => {
      await client.get('/ledger');
      await markLog();
      return client.postMultipart(
        '/ledger/spend',
        { estateId: String(w.estateA.id), proposalId: String(p.id), ...fields },
        { receipts: [{ filename: 'receipt.png', contentType: 'image/png', data: IMAGES.png }] },
      );
    };

    expect((await spend(committee, { amount: '100,000.01', note: '超支' })).statusCode).toBe(400);
    await nothingWritten();
    const resident = await signIn('residenta');
    expect((await spend(resident, { amount: '1', note: 'x' })).statusCode).toBe(404);
    await nothingWritten();

    expect((await spend(committee, { amount: '30,000', note: '首期工程款' })).statusCode).toBe(303);
    const spent = await theEntry('ledger.spend');
    expectActor(spent, w.users.committeeA, DIRECT_IP);
    const entry = await t.app.db.fundLedgerEntry.findFirstOrThrow({ where: { proposalId: p.id, kind: 'spent' } });
    expect(spent).toMatchObject({ ...inEstateA(), entityType: 'ledger_entry', entityId: String(entry.id), note: '首期工程款' });
    expect(spent.before).toEqual({ proposalId: p.id, approved: '100,000.00', spent: '0.00', remaining: '100,000.00' });
    expect(spent.after).toEqual({
      proposalId: p.id,
      approved: '100,000.00',
      spent: '30,000.00',
      remaining: '70,000.00',
      amount: '30,000.00',
      receipts: 1,
    });

    // the same form sent again records nothing new, so logs nothing
    expect((await spend(committee, { amount: '30,000', note: '首期工程款' })).statusCode).toBe(303);
    await nothingWritten();
  });
});

describe('who reads these entries', () => {
  it('community staff see their community’s entries, labelled; another community’s staff see none of them', async () => {
    const staff = await signIn('community');
    const page = await staff.get('/audit?action=roster.edit');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('修改业主名册');
    for (const action of ['meeting.apply', 'ballot.record', 'ledger.spend', 'vote.close']) {
      expect((await staff.get(`/audit?action=${action}`)).body, action).not.toContain('没有符合条件的记录');
    }
    const elsewhere = await signIn('community2');
    for (const action of ['roster', 'meeting', 'vote', 'ballot', 'ledger']) {
      expect((await elsewhere.get(`/audit?action=${action}`)).body, action).toContain('没有符合条件的记录');
    }
  });
});

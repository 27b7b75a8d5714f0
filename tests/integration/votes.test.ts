import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { IMAGES, loginAs, type Client } from '../helpers/client.ts';
import { makeIssue, seedOwners, type Owners } from './votes-fixtures.ts';
import { closeDueVotesJob, voteClosingReminderJob } from '../../src/modules/votes/index.ts';

let t: TestApp;
let w: World;
let o: Owners;
let committee: Client;
let wang: Client;
let li: Client;

const START = new Date('2026-11-20T02:00:00Z'); // 10:00 in Shanghai
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  t = await createTestApp({}, START);
  w = await makeWorld(t.app.db);
  o = await seedOwners(t.app.db, w);
  committee = await loginAs(t.app, 'committeea');
  wang = await loginAs(t.app, 'residenta');
  li = await loginAs(t.app, 'residenta2');
});
afterAll(async () => t.close());

function proposalForm(overrides: Record<string, string | string[]> = {}) {
  return {
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
  };
}

async function draft(overrides: Record<string, string | string[]> = {}) {
  await committee.get('/votes/new');
  const res = await committee.post('/votes', proposalForm(overrides));
  expect(res.statusCode, res.body.slice(0, 3000)).toBe(303);
  return Number(/\/votes\/(\d+)/.exec(String(res.headers.location))?.[1]);
}

async function openVote(overrides: Record<string, string | string[]> = {}) {
  const id = await draft(overrides);
  await committee.get(`/votes/${id}`);
  const res = await committee.post(`/votes/${id}/open`);
  expect(res.statusCode).toBe(303);
  return id;
}

const ballots = (proposalId: number) => t.app.db.ballot.findMany({ where: { proposalId } });
const changes = (proposalId: number) => t.app.db.ballotChange.findMany({ where: { proposalId }, orderBy: { id: 'asc' } });

async function cast(client: Client, id: number, voterKey: string, choice: string) {
  await client.get(`/votes/${id}`);
  return client.post(`/votes/${id}/ballot`, { voterKey, choice });
}

/** The photo of the signed paper every recorded ballot carries. */
const SCAN = { evidence: [{ filename: '表决票.png', contentType: 'image/png', data: IMAGES.png }] };

/** Records a ballot as the committee's record form posts it: multipart, with the signed paper's scan. */
async function record(id: number, form: Record<string, string>, files: typeof SCAN | Record<string, never> = SCAN) {
  await committee.get(`/votes/${id}/record`);
  return committee.postMultipart(`/votes/${id}/record`, { channel: 'door_to_door', signedAt: '2026-11-20', ...form }, files);
}

describe('drafting a proposal', () => {
  it('saves a draft with the amount in fen and the scope buildings', async () => {
    const id = await draft();
    const p = await t.app.db.fundProposal.findUniqueOrThrow({ where: { id }, include: { buildings: true } });
    expect(p).toMatchObject({
      status: 'draft',
      amountFen: 38_600_000,
      scope: 'buildings',
      matter: 'use_fund',
      estateId: w.estateA.id,
    });
    expect(p.buildings.map((b) => b.buildingId)).toEqual([w.buildingA.id]);
    expect(p.closesAt?.toISOString()).toBe('2026-11-28T10:00:00.000Z');
  });

  it.each([
    ['abc', '不是有效的金额'],
    ['-5', '金额不能为负数'],
    ['12.345', '金额最多两位小数'],
    ['', '请填写金额'],
  ])('refuses the amount %j with an inline message and writes nothing', async (amount, message) => {
    const before = await t.app.db.fundProposal.count();
    await committee.get('/votes/new');
    const res = await committee.post('/votes', proposalForm({ amount }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect(res.body).toContain('id="f-fundAmount"');
    expect(await t.app.db.fundProposal.count()).toBe(before);
  });

  it('refuses a closing time before the opening time, and one in the past', async () => {
    const before = await t.app.db.fundProposal.count();
    await committee.get('/votes/new');
    const res = await committee.post('/votes', proposalForm({ opensAt: '2026-11-22T10:00', closesAt: '2026-11-21T10:00' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('截止时间必须晚于开始时间');
    const past = await committee.post('/votes', proposalForm({ closesAt: '2026-11-19T10:00' }));
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('不能早于现在');
    expect(await t.app.db.fundProposal.count()).toBe(before);
  });

  it('refuses a building scope without a building', async () => {
    await committee.get('/votes/new');
    const res = await committee.post('/votes', proposalForm({ buildingIds: [] }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请至少选择一栋楼');
  });

  it('drafts from an in-progress issue of the committee, moving it to awaiting_vote', async () => {
    const issue = await makeIssue(t.app.db, w, 'in_progress', { party: 'committee' });
    const form = await committee.get(`/votes/new?issue=${issue.id}`);
    expect(form.statusCode).toBe(200);
    const id = await draft({ issueId: String(issue.id) });
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).state).toBe('awaiting_vote');
    const event = await t.app.db.issueEvent.findFirstOrThrow({ where: { issueId: issue.id, action: 'open_vote' } });
    expect(event.proposalId).toBe(id);
  });

  it('drafts from a joint meeting’s open_vote decision: the amount is prefilled and the decision linked', async () => {
    const issue = await makeIssue(t.app.db, w, 'awaiting_vote');
    const meeting = await t.app.db.meeting.create({
      data: {
        communityId: w.community.id,
        kind: 'ad_hoc',
        title: '屋面维修联席会议',
        place: '社区会议室',
        startsAt: START,
        endsAt: START,
        convenerId: w.users.community.id,
        status: 'held',
      },
    });
    const item = await t.app.db.agendaItem.create({
      data: { meetingId: meeting.id, issueId: issue.id, title: issue.title, position: 1 },
    });
    const decision = await t.app.db.decision.create({
      data: { agendaItemId: item.id, kind: 'open_vote', amountFen: 38_600_000, appliedAt: START },
    });
    const form = await committee.get(`/votes/new?issue=${issue.id}`);
    expect(form.body).toContain('value="386,000.00"');
    const id = await draft({ issueId: String(issue.id), title: '依据联席会议决定' });
    expect(await t.app.db.fundProposal.findUniqueOrThrow({ where: { id } })).toMatchObject({
      issueId: issue.id,
      decisionId: decision.id,
    });
  });

  it('refuses to draft from an issue that is neither awaiting the vote nor the actor’s to open', async () => {
    const issue = await makeIssue(t.app.db, w, 'accepted', { party: 'property' });
    await committee.get('/votes/new');
    const res = await committee.post('/votes', proposalForm({ issueId: String(issue.id) }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`诉求 #${issue.id}`);
  });

  it('a form posted twice drafts once', async () => {
    const title = '重复提交测试';
    const a = await draft({ title });
    const b = await draft({ title });
    expect(b).toBe(a);
  });

  it('a resident cannot draft (404) and cannot see a draft (404)', async () => {
    const id = await draft({ title: '草稿可见性' });
    expect((await wang.get('/votes/new')).statusCode).toBe(404);
    expect((await wang.get(`/votes/${id}`)).statusCode).toBe(404);
  });
});

describe('opening a vote snapshots the electorate', () => {
  it('keys the voters lawfully: one head per sole owner, co-owners together, the developer once', async () => {
    const id = await openVote({ title: '快照测试' });
    const units = await t.app.db.voteUnit.findMany({ where: { proposalId: id } });
    expect(units).toHaveLength(6);
    const byRoom = Object.fromEntries(units.map((u) => [u.room, u.voterKey]));
    expect(byRoom).toEqual({
      '601': o.keys.wang,
      '602': o.keys.li,
      '501': o.keys.zhang,
      '502': o.keys.zhang,
      '401': o.keys.couple,
      '402': 'developer',
    });
    const page = await committee.get(`/votes/${id}`);
    expect(page.body).toContain('540.00 m²');
  });

  it('later roster changes do not alter an open vote’s electorate', async () => {
    const id = await openVote({ title: '名册变更' });
    await t.app.db.unit.update({ where: { id: w.unitA.id }, data: { areaCentiM2: 99_999 } });
    await t.app.db.unit.create({ data: { buildingId: w.buildingA.id, room: '301', floor: 3, areaCentiM2: 5000 } });
    const units = await t.app.db.voteUnit.findMany({ where: { proposalId: id } });
    expect(units).toHaveLength(6);
    expect(units.find((u) => u.room === '601')?.areaCentiM2).toBe(10000);
    await t.app.db.unit.update({ where: { id: w.unitA.id }, data: { areaCentiM2: 10000 } });
    await t.app.db.unit.deleteMany({ where: { buildingId: w.buildingA.id, room: '301' } });
  });

  it('notifies the linked owners in the electorate, and only them', async () => {
    const id = await openVote({ title: '通知测试' });
    const notes = await t.app.db.notification.findMany({ where: { proposalId: id, kind: 'vote_opened' } });
    expect(notes.map((n) => n.userId).sort()).toEqual([w.users.residentA.id, w.users.residentA2.id].sort());
  });

  it('only the committee opens it', async () => {
    const id = await draft({ title: '谁能开始' });
    const property = await loginAs(t.app, 'propertya');
    await property.get('/votes');
    expect((await property.post(`/votes/${id}/open`)).statusCode).toBe(404);
    expect((await t.app.db.fundProposal.findUniqueOrThrow({ where: { id } })).status).toBe('draft');
  });
});

describe('voting', () => {
  let id: number;
  beforeAll(async () => {
    id = await openVote({ title: '投票测试' });
  });

  it('shows "needs my vote" to a linked owner who has not voted', async () => {
    const list = await wang.get('/votes');
    expect(list.body).toContain('待我表决');
    const page = await wang.get(`/votes/${id}`);
    expect(page.body).toContain('提交表决');
  });

  it('an owner casts online, then changes the ballot; one ballot, every step audited', async () => {
    expect((await cast(wang, id, o.keys.wang, 'disagree')).statusCode).toBe(303);
    expect((await cast(wang, id, o.keys.wang, 'agree')).statusCode).toBe(303);
    const rows = (await ballots(id)).filter((b) => b.voterKey === o.keys.wang);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ choice: 'agree', channel: 'online', recorderName: '' });
    const audit = (await changes(id)).filter((c) => c.voterKey === o.keys.wang);
    expect(audit.map((c) => [c.fromChoice, c.toChoice, c.channel, c.actorId])).toEqual([
      [null, 'disagree', 'online', w.users.residentA.id],
      ['disagree', 'agree', 'online', w.users.residentA.id],
    ]);
    const page = await wang.get(`/votes/${id}`);
    expect(page.body).toContain('您已投：同意');
    expect(page.body).toContain('修改表决');
    expect(page.body).not.toContain('class="needs-vote"');
  });

  it('refuses a ballot for someone else and writes nothing', async () => {
    const before = (await changes(id)).length;
    const res = await cast(wang, id, o.keys.li, 'agree');
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('不能替其他业主投票');
    expect((await changes(id)).length).toBe(before);
    expect((await ballots(id)).some((b) => b.voterKey === o.keys.li)).toBe(false);
  });

  it('refuses a choice that is not agree, disagree or abstain', async () => {
    const res = await cast(li, id, o.keys.li, 'maybe');
    expect(res.statusCode).toBe(400);
    expect((await ballots(id)).some((b) => b.voterKey === o.keys.li)).toBe(false);
  });

  it('refuses a tenant with a clear message', async () => {
    const tenant = await loginAs(t.app, 'tenanta');
    const page = await tenant.get(`/votes/${id}`);
    expect(page.body).toContain('租户不是业主');
    const res = await tenant.post(`/votes/${id}/ballot`, { voterKey: o.keys.zhang, choice: 'agree' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('租户不是业主');
  });

  it('refuses an owner whose home is outside the electorate', async () => {
    const outsider = await loginAs(t.app, 'outsider');
    const page = await outsider.get(`/votes/${id}`);
    expect(page.body).toContain('不在本次表决范围内');
    const res = await outsider.post(`/votes/${id}/ballot`, { voterKey: `o:${o.owners.sun.id}`, choice: 'agree' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('不在本次表决范围内');
  });

  it('the committee records a door-to-door ballot; the recorder is the signed-in user', async () => {
    const res = await record(id, { voterKey: o.keys.couple, choice: 'agree' });
    expect(res.statusCode).toBe(303);
    const b = (await ballots(id)).find((x) => x.voterKey === o.keys.couple);
    expect(b).toMatchObject({
      choice: 'agree',
      channel: 'door_to_door',
      recorderName: 'committeea',
      recordedById: w.users.committeeA.id,
    });
    const audit = (await changes(id)).filter((c) => c.voterKey === o.keys.couple);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: w.users.committeeA.id, recorderName: 'committeea', channel: 'door_to_door' });
  });

  it('requires the photo or scan of the signed ballot and writes nothing without it', async () => {
    const before = (await changes(id)).length;
    const res = await record(id, { voterKey: o.keys.zhang, choice: 'agree' }, {});
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="err-ballotEvidence"');
    expect((await changes(id)).length).toBe(before);
  });

  it('a resident cannot record a ballot for others (404)', async () => {
    await wang.get(`/votes/${id}`);
    const res = await wang.post(`/votes/${id}/record`, {
      voterKey: o.keys.zhang,
      choice: 'agree',
      channel: 'paper',
      recorderName: '王秀英',
    });
    expect(res.statusCode).toBe(404);
  });

  it('shows the canvass list by building and floor, masked for residents and in full for the committee', async () => {
    const full = await committee.get(`/votes/${id}/canvass`);
    expect(full.statusCode).toBe(200);
    expect(full.body).toContain('张三');
    expect(full.body).toContain('5 层');
    expect(full.body).not.toContain('赵一');
    const masked = await li.get(`/votes/${id}`);
    expect(masked.body).toContain('张*');
    expect(masked.body).not.toContain('张三');
  });

  it('the live tally shows both bases and what is still needed; htmx gets the partial', async () => {
    // voted: 王 100 m² agree, 赵+钱 95 m² agree: 195 of 540 m², 2 of 5 heads
    const page = await committee.get(`/votes/${id}`);
    expect(page.body).toContain('195.00 m²');
    expect(page.body).toContain('达到参与门槛还需：2 位业主、165.00 m²');
    const partial = await committee.get(`/votes/${id}`, { 'hx-request': 'true' });
    expect(partial.body).toContain('tally-figures');
    expect(partial.body).not.toContain('<html');
  });

  it('a POST without the CSRF token is refused (403) and writes nothing', async () => {
    const before = (await changes(id)).length;
    const res = await li.post(`/votes/${id}/ballot`, { _csrf: '', voterKey: o.keys.li, choice: 'agree' });
    expect(res.statusCode).toBe(403);
    expect((await changes(id)).length).toBe(before);
  });
});

describe('scoping', () => {
  it('another estate’s resident and staff get 404', async () => {
    const id = await openVote({ title: '范围测试' });
    for (const username of ['residentb', 'propertyb', 'residentc', 'community2']) {
      const c = await loginAs(t.app, username);
      expect((await c.get(`/votes/${id}`)).statusCode, username).toBe(404);
      expect((await c.post(`/votes/${id}/ballot`, { voterKey: o.keys.wang, choice: 'agree' })).statusCode, username).toBe(404);
    }
  });

  it('another estate’s staff cannot open, close or record (404) and nothing changes', async () => {
    const draftId = await draft({ title: '他区草稿' });
    const id = await openVote({ title: '他区结束' });
    const other = await loginAs(t.app, 'propertyb');
    await other.get('/votes');
    expect((await other.post(`/votes/${draftId}/open`)).statusCode).toBe(404);
    expect((await other.post(`/votes/${id}/close`)).statusCode).toBe(404);
    expect(
      (await other.post(`/votes/${id}/record`, { voterKey: o.keys.zhang, choice: 'agree', channel: 'paper', recorderName: 'x' }))
        .statusCode,
    ).toBe(404);
    expect((await t.app.db.fundProposal.findUniqueOrThrow({ where: { id } })).status).toBe('open');
    expect((await t.app.db.fundProposal.findUniqueOrThrow({ where: { id: draftId } })).status).toBe('draft');
  });

  it('the committee withdraws a draft, which residents never see', async () => {
    const id = await draft({ title: '撤回测试' });
    await committee.get(`/votes/${id}`);
    expect((await committee.post(`/votes/${id}/cancel`, { reason: '重复发起' })).statusCode).toBe(303);
    expect((await t.app.db.fundProposal.findUniqueOrThrow({ where: { id } })).status).toBe('cancelled');
    expect((await committee.post(`/votes/${id}/open`)).statusCode).toBe(409);
    expect((await wang.get(`/votes/${id}`)).statusCode).toBe(404);
  });

  it('community staff of the community see the vote', async () => {
    const id = await openVote({ title: '社区可见' });
    const c = await loginAs(t.app, 'community');
    expect((await c.get(`/votes/${id}`)).statusCode).toBe(200);
  });
});

describe('the voting window', () => {
  it('refuses a ballot before the opening time and after the closing time, writing nothing', async () => {
    const id = await openVote({ title: '窗口测试', opensAt: '2026-11-21T10:00', closesAt: '2026-11-28T10:00' });
    const early = await cast(wang, id, o.keys.wang, 'agree');
    expect(early.statusCode).toBe(409);
    expect(early.body).toContain('表决尚未开始');
    t.clock.now = at('2026-11-28T02:00:01Z'); // 10:00:01 Shanghai, just after the close
    wang = await loginAs(t.app, 'residenta'); // the old session idled out over the days
    const late = await cast(wang, id, o.keys.wang, 'agree');
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('表决已结束');
    expect(await ballots(id)).toHaveLength(0);
    t.clock.now = START;
  });
});

describe('concurrency', () => {
  it('30 ballots recorded at once give an exact tally', async () => {
    const building = await t.app.db.building.create({ data: { estateId: w.estateA.id, name: '7号楼' } });
    for (let i = 1; i <= 30; i++) {
      const u = await t.app.db.unit.create({
        data: { buildingId: building.id, room: `${i}01`, floor: i, areaCentiM2: 5000 + i },
      });
      const ow = await t.app.db.owner.create({ data: { estateId: w.estateA.id, ownerKey: `B${i}`, name: `业主${i}` } });
      await t.app.db.ownerUnit.create({ data: { ownerId: ow.id, unitId: u.id } });
    }
    const id = await openVote({ title: '并发测试', buildingIds: [String(building.id)] });
    const keys = [...new Set((await t.app.db.voteUnit.findMany({ where: { proposalId: id } })).map((u) => u.voterKey))];
    expect(keys).toHaveLength(30);
    await committee.get(`/votes/${id}/record`);
    const results = await Promise.all(
      keys.map((voterKey, i) =>
        committee.postMultipart(
          `/votes/${id}/record`,
          { voterKey, choice: i % 3 === 0 ? 'disagree' : 'agree', channel: 'paper', signedAt: '2026-11-20' },
          SCAN,
        ),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(keys.map(() => 303));
    expect(await ballots(id)).toHaveLength(30);
    expect(await changes(id)).toHaveLength(30);
    const closed = await committee.post(`/votes/${id}/close`);
    expect(closed.statusCode).toBe(303);
    const p = await t.app.db.fundProposal.findUniqueOrThrow({ where: { id } });
    const tally = JSON.parse(p.resultJson ?? '{}');
    expect(tally).toMatchObject({
      participatingHeadcount: 30,
      agreeHeadcount: 20,
      disagreeHeadcount: 10,
      quorumReached: true,
      approved: true,
    });
    expect(tally.participatingArea).toBe(30 * 5000 + (30 * 31) / 2);
    expect(p.status).toBe('passed');
  });

  it('one owner’s ballot sent many times at once is one ballot with every change audited', async () => {
    const id = await openVote({ title: '同一业主并发' });
    await wang.get(`/votes/${id}`);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        wang.post(`/votes/${id}/ballot`, { voterKey: o.keys.wang, choice: i % 2 ? 'agree' : 'abstain' }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(303));
    expect(await ballots(id)).toHaveLength(1);
    const audit = await changes(id);
    expect(audit).toHaveLength(8);
    expect(audit.filter((c) => c.fromChoice === null)).toHaveLength(1);
  });

  it('a ballot after close is refused', async () => {
    const id = await openVote({ title: '结束后投票' });
    // nobody has voted, so only the closing time may close it (an early close is refused)
    await closeDueVotesJob.run(t.app, at('2026-11-28T10:00:00Z'));
    expect((await t.app.db.fundProposal.findUniqueOrThrow({ where: { id } })).status).toBe('failed');
    const res = await cast(wang, id, o.keys.wang, 'agree');
    expect(res.statusCode).toBe(409);
    expect(await ballots(id)).toHaveLength(0);
  });
});

describe('closing', () => {
  it('the job closes a vote past its closing time: passed moves the issue to in_progress with the amount, publishes, writes the ledger', async () => {
    const issue = await makeIssue(t.app.db, w, 'awaiting_vote');
    const id = await openVote({ title: '屋面翻修（通过）', issueId: String(issue.id), closesAt: '2026-11-28T18:00' });
    await cast(wang, id, o.keys.wang, 'agree');
    await cast(li, id, o.keys.li, 'agree');
    await record(id, { voterKey: o.keys.zhang, choice: 'agree' });
    await record(id, { voterKey: o.keys.couple, choice: 'disagree', channel: 'proxy', agentName: '赵小一' });
    // 4 of 5 heads, 455 of 540 m²; agree 3 of 4 heads, 360 of 455 m²
    await closeDueVotesJob.run(t.app, at('2026-11-28T09:59:00Z'));
    expect((await t.app.db.fundProposal.findUniqueOrThrow({ where: { id } })).status).toBe('open');
    await closeDueVotesJob.run(t.app, at('2026-11-28T10:00:00Z'));
    const p = await t.app.db.fundProposal.findUniqueOrThrow({ where: { id } });
    expect(p.status).toBe('passed');
    expect(JSON.parse(p.resultJson ?? '{}')).toMatchObject({
      participatingArea: 45500,
      totalArea: 54000,
      agreeHeadcount: 3,
      approved: true,
    });
    const after = await t.app.db.issue.findUniqueOrThrow({ where: { id: issue.id } });
    expect(after).toMatchObject({ state: 'in_progress', approvedAmountFen: 38_600_000 });
    const event = await t.app.db.issueEvent.findFirstOrThrow({ where: { issueId: issue.id, action: 'vote_passed' } });
    expect(event.proposalId).toBe(id);
    const notice = await t.app.db.notice.findFirstOrThrow({ where: { proposalId: id, kind: 'vote_result' } });
    expect(notice.title).toContain('表决通过');
    expect(notice.estateId).toBe(w.estateA.id);
    const ledger = await t.app.db.fundLedgerEntry.findMany({ where: { proposalId: id } });
    expect(ledger).toEqual([expect.objectContaining({ kind: 'approved', amountFen: 38_600_000 })]);
    expect(
      await t.app.db.notification.count({ where: { proposalId: id, kind: 'vote_result', userId: w.users.residentA.id } }),
    ).toBe(1);
    // the frozen result does not move with later ballots (none are accepted) nor with the roster
    const page = await wang.get(`/votes/${id}`);
    expect(page.body).toContain('表决通过');
    const board = await wang.get('/notices');
    expect(board.body).toContain('屋面翻修（通过）');
  });

  it('a failed vote moves the issue to awaiting_meeting', async () => {
    const issue = await makeIssue(t.app.db, w, 'awaiting_vote');
    const id = await openVote({ title: '屋面翻修（未通过）', issueId: String(issue.id) });
    await cast(wang, id, o.keys.wang, 'agree');
    // the committee closes it at its closing time (an early close would be refused: the outcome is open)
    t.clock.now = at('2026-11-28T10:00:00Z');
    const member = await loginAs(t.app, 'committeea');
    await member.get(`/votes/${id}/close`);
    const res = await member.post(`/votes/${id}/close`);
    t.clock.now = START;
    expect(res.statusCode).toBe(303);
    const p = await t.app.db.fundProposal.findUniqueOrThrow({ where: { id } });
    expect(p.status).toBe('failed');
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).state).toBe('awaiting_meeting');
    expect(await t.app.db.fundLedgerEntry.count({ where: { proposalId: id } })).toBe(0);
    const result = await t.app.db.notice.findFirstOrThrow({ where: { proposalId: id, kind: 'vote_result' } });
    expect(result.body).toContain('未达到三分之二');
  });

  it('closing twice is refused the second time', async () => {
    const id = await openVote({ title: '重复结束' });
    t.clock.now = at('2026-11-28T10:00:00Z');
    const member = await loginAs(t.app, 'committeea');
    await member.get(`/votes/${id}/close`);
    expect((await member.post(`/votes/${id}/close`)).statusCode).toBe(303);
    expect((await member.post(`/votes/${id}/close`)).statusCode).toBe(409);
    t.clock.now = START;
    expect(await t.app.db.notice.count({ where: { proposalId: id, kind: 'vote_result' } })).toBe(1);
  });

  it('both vote jobs run with the scheduler', async () => {
    expect(t.app.jobs.map((j) => j.name)).toEqual(expect.arrayContaining(['close-due-votes', 'vote-closing-reminders']));
  });

  it('reminds the owners who have not voted a day before the close, once', async () => {
    const id = await openVote({ title: '截止提醒', closesAt: '2026-11-28T18:00' });
    await cast(wang, id, o.keys.wang, 'agree');
    await voteClosingReminderJob.run(t.app, at('2026-11-26T09:00:00Z'));
    expect(await t.app.db.notification.count({ where: { proposalId: id, kind: 'vote_closing' } })).toBe(0);
    await voteClosingReminderJob.run(t.app, at('2026-11-27T11:00:00Z'));
    await voteClosingReminderJob.run(t.app, at('2026-11-27T12:00:00Z'));
    const notes = await t.app.db.notification.findMany({ where: { proposalId: id, kind: 'vote_closing' } });
    expect(notes.map((n) => n.userId)).toEqual([w.users.residentA2.id]);
  });
});

describe('language', () => {
  it('every vote, roster and ledger page renders in English without raw message keys', async () => {
    const id = await openVote({ title: 'English check' });
    await cast(wang, id, o.keys.wang, 'agree');
    const draftId = await draft({ title: 'English draft' });
    const staff = await loginAs(t.app, 'community');
    const pages: [Client, string][] = [
      [committee, '/votes'],
      [committee, '/votes/new'],
      [committee, `/votes/${id}`],
      [committee, `/votes/${id}/canvass`],
      [committee, `/votes/${draftId}`],
      [committee, '/roster'],
      [committee, '/ledger'],
      [wang, '/votes'],
      [wang, `/votes/${id}`],
      [staff, `/votes/${id}`],
    ];
    for (const [client, url] of pages) {
      client.setCookie('lang', 'en');
      const res = await client.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toMatch(/\b(votes|roster|ledger|field|fieldError)\.[a-zA-Z_.]+/);
      expect(res.body, url).toContain('lang="en"');
      client.setCookie('lang', 'zh-CN');
    }
  });
});

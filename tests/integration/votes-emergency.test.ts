import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { IMAGES, loginAs, type Client } from '../helpers/client.ts';
import { makeIssue, seedOwners } from './votes-fixtures.ts';
import { snapshotElectorate } from '../../src/modules/votes/index.ts';

/**
 * The emergency path (issue #10, item 7; Civil Code art. 281, 住宅专项维修资金管理办法 art. 24): the
 * committee (or the property where there is no committee) applies, the community confirms, the housing
 * authority's approval is recorded; each step is its own action, published and audited, and only the
 * last creates the approved amount that may be spent.
 */

let t: TestApp;
let w: World;
let committee: Client;
let community: Client;
let property: Client;

const START = new Date('2026-11-20T02:00:00Z'); // 10:00 in Shanghai
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const SCAN = { scan: [{ filename: '批复.pdf', contentType: 'application/pdf', data: PDF }] };

beforeAll(async () => {
  t = await createTestApp({}, START);
  w = await makeWorld(t.app.db);
  await seedOwners(t.app.db, w);
  committee = await loginAs(t.app, 'committeea');
  community = await loginAs(t.app, 'community');
  property = await loginAs(t.app, 'propertya');
});
afterAll(async () => t.close());
beforeEach(() => {
  t.clock.now = START;
});

/** A draft fund proposal on an issue awaiting the vote (an emergency category unless told). */
async function emergencyDraft(opts: { code?: string; estate?: 'A' | 'B'; open?: boolean } = {}) {
  const issue = await makeIssue(t.app.db, w, 'awaiting_vote', { code: opts.code ?? 'facade_risk' });
  const estateId = opts.estate === 'B' ? w.estateB.id : w.estateA.id;
  if (opts.estate === 'B')
    await t.app.db.issue.update({ where: { id: issue.id }, data: { estateId, buildingId: w.buildingB.id } });
  const p = await t.app.db.fundProposal.create({
    data: {
      estateId,
      issueId: issue.id,
      matter: 'use_fund',
      title: '5号楼外墙应急加固',
      scope: 'estate',
      amountFen: 12_000_000,
      status: opts.open ? 'open' : 'draft',
      emergency: issue.emergency,
      opensAt: START,
      closesAt: new Date('2026-11-28T02:00:00Z'),
      openedAt: opts.open ? START : null,
      createdById: opts.estate === 'B' ? w.users.propertyB.id : w.users.committeeA.id,
    },
  });
  if (opts.open) await snapshotElectorate(t.app.db, p);
  return { id: p.id, issueId: issue.id };
}

const proposal = (id: number) => t.app.db.fundProposal.findUniqueOrThrow({ where: { id } });
const notices = (id: number) => t.app.db.notice.findMany({ where: { proposalId: id }, orderBy: { id: 'asc' } });
const approved = (id: number) => t.app.db.fundLedgerEntry.findMany({ where: { proposalId: id, kind: 'approved' } });
const audits = (id: number) =>
  t.app.db.auditEntry.findMany({ where: { entityType: 'fund_proposal', entityId: String(id) }, orderBy: { id: 'asc' } });

async function apply(client: Client, id: number, note = '外墙瓷砖随时可能脱落，危及行人') {
  await client.get(`/votes/${id}/emergency`);
  return client.post(`/votes/${id}/emergency/apply`, { note });
}
async function confirm(client: Client, id: number, note = '已现场核实') {
  await client.get(`/votes/${id}/emergency`);
  return client.post(`/votes/${id}/emergency/confirm`, { note });
}
async function authority(
  client: Client,
  id: number,
  fields: Record<string, string> = {},
  files: typeof SCAN | Record<string, never> = SCAN,
) {
  await client.get(`/votes/${id}/emergency`);
  return client.postMultipart(
    `/votes/${id}/emergency/authority`,
    { docNo: '汉房字〔2026〕118号', approvedOn: '2026-11-20', ...fields },
    files,
  );
}

describe('the emergency path, step by step', () => {
  it('publishes three notices, one per step, and creates the ledger amount only at the authority’s approval', async () => {
    const { id, issueId } = await emergencyDraft();

    // (a) the committee applies, after a confirmation page that says what will happen
    const page = await committee.get(`/votes/${id}/emergency/apply`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('确认后将会');
    expect(page.body).toContain(`action="/votes/${id}/emergency/apply"`);
    const applied = await committee.post(`/votes/${id}/emergency/apply`, { note: '外墙瓷砖随时可能脱落，危及行人' });
    expect(applied.statusCode).toBe(303);
    expect(applied.headers.location).toBe(`/votes/${id}/emergency?done=applied`);
    expect(await proposal(id)).toMatchObject({ status: 'draft', emergency: true, emergencyAppliedById: w.users.committeeA.id });
    expect((await proposal(id)).emergencyAppliedAt?.toISOString()).toBe(START.toISOString());
    expect(await notices(id)).toHaveLength(1);
    expect((await notices(id))[0]).toMatchObject({ kind: 'emergency_repair', estateId: w.estateA.id });
    expect((await notices(id))[0]?.body).toContain('外墙瓷砖随时可能脱落');
    expect(await approved(id)).toHaveLength(0);

    // (b) community staff confirm: still nothing approved, the issue still waits
    t.clock.now = new Date('2026-11-20T02:30:00Z');
    const confirmPage = await community.get(`/votes/${id}/emergency/confirm`);
    expect(confirmPage.statusCode).toBe(200);
    expect(confirmPage.body).toContain('社区确认不批准支出');
    expect((await community.post(`/votes/${id}/emergency/confirm`, { note: '已现场核实' })).statusCode).toBe(303);
    expect(await proposal(id)).toMatchObject({ status: 'draft', confirmedById: w.users.community.id });
    expect(await notices(id)).toHaveLength(2);
    expect(await approved(id)).toHaveLength(0);
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: issueId } })).state).toBe('awaiting_vote');

    // (c) the authority's approval is recorded with its scan: now the amount is approved
    t.clock.now = new Date('2026-11-20T03:00:00Z');
    const authorityPage = await committee.get(`/votes/${id}/emergency/authority`);
    expect(authorityPage.statusCode).toBe(200);
    expect(authorityPage.body).toContain('enctype="multipart/form-data"');
    const recorded = await committee.postMultipart(
      `/votes/${id}/emergency/authority`,
      { docNo: '汉房字〔2026〕118号', approvedOn: '2026-11-20' },
      SCAN,
    );
    expect(recorded.statusCode, recorded.body.slice(0, 2000)).toBe(303);
    const p = await proposal(id);
    expect(p).toMatchObject({
      status: 'emergency_approved',
      authorityDocNo: '汉房字〔2026〕118号',
      authorityRecordedById: w.users.committeeA.id,
    });
    expect(p.authorityApprovedOn?.toISOString()).toBe('2026-11-19T16:00:00.000Z'); // 2026-11-20 in Shanghai
    expect(await notices(id)).toHaveLength(3);
    expect((await notices(id))[2]?.body).toContain('汉房字〔2026〕118号');
    expect(await approved(id)).toMatchObject([{ amountFen: 12_000_000, recordedById: w.users.committeeA.id }]);
    const scans = await t.app.db.attachment.findMany({ where: { proposalId: id } });
    expect(scans).toMatchObject([{ purpose: 'authority_approval', mime: 'application/pdf' }]);
    const issue = await t.app.db.issue.findUniqueOrThrow({ where: { id: issueId } });
    expect(issue).toMatchObject({ state: 'in_progress', approvedAmountFen: 12_000_000 });
    const event = await t.app.db.issueEvent.findFirstOrThrow({ where: { issueId, action: 'emergency_fund_confirmed' } });
    expect(event).toMatchObject({ actorId: w.users.committeeA.id, proposalId: id });
    expect((await audits(id)).map((a) => a.action)).toEqual([
      'vote.emergency_apply',
      'vote.emergency_confirm',
      'vote.emergency_authority',
    ]);

    // the path's page shows each step's record, to the owners too
    const wang = await loginAs(t.app, 'residenta');
    const record = await wang.get(`/votes/${id}/emergency`);
    expect(record.statusCode).toBe(200);
    expect(record.body).toContain('汉房字〔2026〕118号');

    // and only now may money be spent
    await committee.get('/ledger');
    const spent = await committee.postMultipart('/ledger/spend', { proposalId: String(id), amount: '30000', note: '搭设脚手架' });
    expect(spent.statusCode, spent.body.slice(0, 2000)).toBe(303);
  });

  it('ends an open vote on the issue when the approval is recorded, keeping its ballots', async () => {
    const { id } = await emergencyDraft({ open: true });
    await t.app.db.ballot.create({ data: { proposalId: id, voterKey: 'developer', choice: 'agree', channel: 'paper' } });
    expect((await apply(committee, id)).statusCode).toBe(303);
    expect((await confirm(community, id)).statusCode).toBe(303);
    expect((await proposal(id)).status).toBe('open'); // the vote runs until the authority approves
    const page = await community.get(`/votes/${id}/emergency/authority`);
    expect(page.body).toContain('正在进行的业主表决随之结束');
    expect((await authority(community, id)).statusCode).toBe(303);
    expect(await proposal(id)).toMatchObject({ status: 'emergency_approved', authorityRecordedById: w.users.community.id });
    expect(await t.app.db.ballot.count({ where: { proposalId: id } })).toBe(1);
  });
});

describe('attacks on the emergency path are refused, with nothing written', () => {
  it('community staff cannot approve emergency spending: no one-step confirmation, no skipping the committee or the authority', async () => {
    const { id, issueId } = await emergencyDraft();
    await community.get(`/votes/${id}`);
    // the old one-step "confirm and approve" is gone
    expect((await community.post(`/votes/${id}/emergency`, { note: '社区批准' })).statusCode).toBe(404);
    // applying is not theirs
    expect((await community.post(`/votes/${id}/emergency/apply`, { note: '社区代为申请' })).statusCode).toBe(404);
    // confirming what nobody applied for
    const confirmed = await confirm(community, id);
    expect(confirmed.statusCode).toBe(409);
    expect(confirmed.body).toContain('尚未提出应急使用申请');
    // recording an approval before the community's confirmation
    expect((await apply(committee, id)).statusCode).toBe(303);
    const early = await authority(community, id);
    expect(early.statusCode).toBe(409);
    expect(early.body).toContain('社区尚未确认这项应急申请');
    // spending, for community staff, does not exist
    await community.get('/ledger');
    expect((await community.postMultipart('/ledger/spend', { proposalId: String(id), amount: '1', note: 'x' })).statusCode).toBe(
      404,
    );

    const p = await proposal(id);
    expect(p).toMatchObject({ status: 'draft', confirmedAt: null, authorityRecordedAt: null });
    expect(await notices(id)).toHaveLength(1); // the committee's application only
    expect(await approved(id)).toHaveLength(0);
    expect(await t.app.db.fundLedgerEntry.count({ where: { proposalId: id } })).toBe(0);
    expect((await audits(id)).map((a) => a.action)).toEqual(['vote.emergency_apply']);
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: issueId } })).state).toBe('awaiting_vote');
  });

  it('spending before the authority’s approval is refused', async () => {
    const { id } = await emergencyDraft();
    expect((await apply(committee, id)).statusCode).toBe(303);
    expect((await confirm(community, id)).statusCode).toBe(303);
    await committee.get('/ledger');
    const res = await committee.postMultipart('/ledger/spend', { proposalId: String(id), amount: '30000', note: '先垫付' });
    expect(res.statusCode).toBe(404); // nothing has been approved to spend from
    expect(await t.app.db.fundLedgerEntry.count({ where: { proposalId: id } })).toBe(0);
  });

  it('an amount approved under the old one-step path cannot be spent until the authority’s approval is recorded', async () => {
    const { id } = await emergencyDraft();
    await t.app.db.fundProposal.update({
      where: { id },
      data: { status: 'emergency_approved', confirmedById: w.users.community.id },
    });
    await t.app.db.fundLedgerEntry.create({
      data: {
        estateId: w.estateA.id,
        proposalId: id,
        kind: 'approved',
        amountFen: 12_000_000,
        recordedById: w.users.community.id,
      },
    });
    await committee.get('/ledger');
    const res = await committee.postMultipart('/ledger/spend', { proposalId: String(id), amount: '30000', note: '先垫付' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('应急使用须先登记住房和城乡建设主管部门的批准');
    expect(await t.app.db.fundLedgerEntry.count({ where: { proposalId: id, kind: 'spent' } })).toBe(0);
    expect(await t.app.db.notice.count({ where: { proposalId: id, kind: 'fund_use' } })).toBe(0);
  });

  it('the property applies only where the estate has no owners’ committee', async () => {
    const a = await emergencyDraft();
    const refused = await apply(property, a.id);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('应急使用申请由本小区业委会提出');
    expect(await proposal(a.id)).toMatchObject({ emergencyAppliedAt: null });
    expect(await notices(a.id)).toHaveLength(0);

    const b = await emergencyDraft({ estate: 'B' });
    const propertyB = await loginAs(t.app, 'propertyb');
    const page = await propertyB.get(`/votes/${b.id}/emergency/apply`);
    expect(page.body).toContain('本小区没有业主委员会');
    expect((await apply(propertyB, b.id)).statusCode).toBe(303);
    expect(await proposal(b.id)).toMatchObject({ emergencyAppliedById: w.users.propertyB.id });
  });

  it('an issue that is not an emergency has no emergency path', async () => {
    const { id } = await emergencyDraft({ code: 'roof_leak' });
    expect((await committee.get(`/votes/${id}/emergency`)).statusCode).toBe(404);
    const res = await committee.post(`/votes/${id}/emergency/apply`, { note: '屋面漏水' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('只有紧急类别诉求的维修资金才能走应急程序');
    const confirmed = await community.post(`/votes/${id}/emergency/confirm`, { note: '确认' });
    expect(confirmed.statusCode).toBe(409);
    expect((await committee.post(`/votes/${id}/emergency/confirm`, {})).statusCode).toBe(404); // not the committee's step
    expect(await proposal(id)).toMatchObject({ status: 'draft', emergency: false, emergencyAppliedAt: null, confirmedAt: null });
    expect(await notices(id)).toHaveLength(0);
  });

  it('each step is taken once: a repeated application or confirmation is refused', async () => {
    const { id } = await emergencyDraft();
    expect((await apply(committee, id)).statusCode).toBe(303);
    expect((await apply(committee, id)).statusCode).toBe(409);
    expect((await confirm(community, id)).statusCode).toBe(303);
    expect((await confirm(community, id)).statusCode).toBe(409);
    expect(await notices(id)).toHaveLength(2);
  });
});

describe('the forms of the emergency path say what is wrong, inline', () => {
  it('an application without an account of the danger is refused', async () => {
    const { id } = await emergencyDraft();
    const res = await apply(committee, id, '   ');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="f-emergencyNote"');
    expect(await notices(id)).toHaveLength(0);
  });

  it('the approval needs its document number, a date neither in the future nor before the application, and a real scan', async () => {
    const { id } = await emergencyDraft();
    expect((await apply(committee, id)).statusCode).toBe(303);
    expect((await confirm(community, id)).statusCode).toBe(303);
    const cases: [Record<string, string>, typeof SCAN | Record<string, never>, string][] = [
      [{ docNo: '' }, SCAN, '批准文号'],
      [{ approvedOn: '2026-11-21' }, SCAN, '批准日期不能晚于今天'],
      [{ approvedOn: '2026-11-19' }, SCAN, '批准日期不能早于应急申请的日期'],
      [{ approvedOn: '2026-02-30' }, SCAN, '格式不正确'],
      [{}, {}, '批准文件'],
      [{}, { scan: [{ filename: '批复.pdf', contentType: 'application/pdf', data: IMAGES.fakeJpeg }] }, '不是 PDF 或图片'],
    ];
    for (const [fields, files, message] of cases) {
      const res = await authority(committee, id, fields, files);
      expect(res.statusCode, message).toBe(400);
      expect(res.body, message).toContain(message);
    }
    expect(await proposal(id)).toMatchObject({ status: 'draft', authorityRecordedAt: null });
    expect(await approved(id)).toHaveLength(0);
    expect(await t.app.db.attachment.count({ where: { proposalId: id } })).toBe(0);
    expect(await notices(id)).toHaveLength(2);
  });

  it('the emergency pages render in English without raw message keys', async () => {
    const { id } = await emergencyDraft();
    committee.setCookie('lang', 'en');
    for (const url of [`/votes/${id}/emergency`, `/votes/${id}/emergency/apply`]) {
      const res = await committee.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toMatch(/\b(votes|field|fieldError)\.[a-zA-Z_.]+/);
    }
    committee.setCookie('lang', 'zh-CN');
  });
});

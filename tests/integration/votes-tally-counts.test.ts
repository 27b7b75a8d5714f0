import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { IMAGES, loginAs, type Client } from '../helpers/client.ts';
import { seedOwners, type Owners } from './votes-fixtures.ts';
import { tallyFromSums, tallyVote, type VoteChoice } from '../../src/domain/vote-tally.ts';
import { closeProposal, recountVoteCounts } from '../../src/modules/votes/index.ts';
import { inTransaction } from '../../src/plugins/db.ts';

/**
 * The vote page's running tally (VoteCount, issue #11) is kept in the same transaction as every ballot:
 * here it is checked against a recount of the VoteUnit and Ballot rows after each kind of ballot, and the
 * close is shown to tally the rows whatever the counts say.
 */

let t: TestApp;
let w: World;
let o: Owners;
let committee: Client;
let wang: Client;
let li: Client;

const START = new Date('2026-11-20T02:00:00Z');
const SCAN = { filename: '表决票.png', contentType: 'image/png', data: IMAGES.png };

beforeAll(async () => {
  t = await createTestApp({}, START);
  w = await makeWorld(t.app.db);
  o = await seedOwners(t.app.db, w);
  committee = await loginAs(t.app, 'committeea');
  wang = await loginAs(t.app, 'residenta');
  li = await loginAs(t.app, 'residenta2');
});
afterAll(async () => t.close());

async function openVote(title: string, matter = 'use_fund') {
  await committee.get('/votes/new');
  const drafted = await committee.post('/votes', {
    estateId: String(w.estateA.id),
    issueId: '',
    matter,
    title,
    description: '',
    scope: 'buildings',
    buildingIds: [String(w.buildingA.id)],
    amount: '1,000.00',
    opensAt: '',
    closesAt: '2026-12-10T18:00',
    quotesText: '',
  });
  expect(drafted.statusCode, drafted.body.slice(0, 1000)).toBe(303);
  const id = Number(/\/votes\/(\d+)/.exec(String(drafted.headers.location))?.[1]);
  await committee.get(`/votes/${id}`);
  expect((await committee.post(`/votes/${id}/open`)).statusCode).toBe(303);
  return id;
}

async function cast(client: Client, id: number, voterKey: string, choice: VoteChoice) {
  await client.get(`/votes/${id}`);
  const res = await client.post(`/votes/${id}/ballot`, { voterKey, choice });
  expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
}

async function record(id: number, voterKey: string, choice: VoteChoice, channel = 'door_to_door') {
  await committee.get(`/votes/${id}/record`);
  const res = await committee.postMultipart(
    `/votes/${id}/record`,
    { voterKey, choice, channel, signedAt: '2026-11-20', signedTime: '', agentName: '' },
    { evidence: [SCAN] },
  );
  expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
}

/** The counts as a recount of the rows gives them: the domain's tally of the rows, and the units voted. */
async function recount(id: number) {
  const [units, ballots] = await Promise.all([
    t.app.db.voteUnit.findMany({ where: { proposalId: id } }),
    t.app.db.ballot.findMany({ where: { proposalId: id } }),
  ]);
  const tally = tallyVote(
    units.map((u) => ({ unitId: String(u.unitId), areaCentiM2: u.areaCentiM2, voterKey: u.voterKey })),
    ballots.map((b) => ({ voterKey: b.voterKey, choice: b.choice as VoteChoice })),
    'use_fund',
  );
  const voted = new Set(ballots.map((b) => b.voterKey));
  return {
    electorateArea: tally.totalArea,
    electorateVoters: tally.totalHeadcount,
    electorateUnits: units.length,
    unitsWithoutArea: units.filter((u) => u.areaCentiM2 <= 0).length,
    agreeArea: tally.agreeArea,
    agreeVoters: tally.agreeHeadcount,
    disagreeArea: tally.disagreeArea,
    disagreeVoters: tally.disagreeHeadcount,
    abstainArea: tally.abstainArea,
    abstainVoters: tally.abstainHeadcount,
    votedUnits: units.filter((u) => voted.has(u.voterKey)).length,
  };
}

async function counts(id: number) {
  const { proposalId: _id, ...row } = await t.app.db.voteCount.findUniqueOrThrow({ where: { proposalId: id } });
  return row;
}

async function expectCountsToMatchRows(id: number) {
  const kept = await counts(id);
  expect(kept).toEqual(await recount(id));
  // and what the page makes of them is the domain's tally of the rows
  const rows = await recount(id);
  const sums = {
    totalArea: rows.electorateArea,
    totalHeadcount: rows.electorateVoters,
    agreeArea: rows.agreeArea,
    agreeHeadcount: rows.agreeVoters,
    disagreeArea: rows.disagreeArea,
    disagreeHeadcount: rows.disagreeVoters,
    abstainArea: rows.abstainArea,
    abstainHeadcount: rows.abstainVoters,
  };
  const page = await committee.get(`/votes/${id}`, { 'hx-request': 'true' });
  const tally = tallyFromSums(sums, 'use_fund');
  const area = (centi: number) => `${(centi / 100).toFixed(2)} m²`;
  expect(page.body).toContain(`<td>${area(tally.totalArea)}</td><td>${tally.totalHeadcount}</td>`);
  expect(page.body).toContain(`${area(tally.agreeArea)}（`);
}

describe('the running tally of a vote', () => {
  it('starts from the electorate’s totals when the vote opens', async () => {
    const id = await openVote('计数：开启');
    // 5号楼: 601 100 m², 602 80 m², 501 + 502 张三 180 m², 401 couple 95 m², 402 developer 85 m²
    expect(await counts(id)).toMatchObject({ electorateArea: 54000, electorateVoters: 5, electorateUnits: 6, votedUnits: 0 });
    await expectCountsToMatchRows(id);
  });

  it('moves with an online ballot, a change of mind, a door-to-door and a paper ballot, as a recount of the rows', async () => {
    const id = await openVote('计数：投票');
    await cast(wang, id, o.keys.wang, 'agree');
    await expectCountsToMatchRows(id);
    await cast(wang, id, o.keys.wang, 'disagree'); // a change: from agree to disagree, the head stays one
    await expectCountsToMatchRows(id);
    await cast(wang, id, o.keys.wang, 'disagree'); // the same choice again: nothing moves
    await expectCountsToMatchRows(id);
    await record(id, o.keys.zhang, 'agree'); // door to door: one head, two units, 180 m²
    expect(await counts(id)).toMatchObject({ agreeArea: 18000, agreeVoters: 1, votedUnits: 3 });
    await expectCountsToMatchRows(id);
    await record(id, o.keys.couple, 'abstain', 'paper');
    await cast(li, id, o.keys.li, 'agree');
    await expectCountsToMatchRows(id);
    // the committee's ballot for the co-owners, replaced by a later paper of theirs
    t.clock.now = new Date(START.getTime() + 3_600_000);
    await committee.get(`/votes/${id}/record`);
    const later = await committee.postMultipart(
      `/votes/${id}/record`,
      { voterKey: o.keys.couple, choice: 'agree', channel: 'paper', signedAt: '2026-11-20', signedTime: '10:30', agentName: '' },
      { evidence: [SCAN] },
    );
    expect(later.statusCode, later.body.slice(0, 500)).toBe(303);
    t.clock.now = START;
    await expectCountsToMatchRows(id);
  });

  it('stays exact when ballots are recorded at once', async () => {
    const id = await openVote('计数：并发');
    await committee.get(`/votes/${id}/record`);
    await Promise.all(
      [o.keys.zhang, o.keys.couple, o.keys.developer, o.keys.li].map((voterKey, i) =>
        committee.postMultipart(
          `/votes/${id}/record`,
          { voterKey, choice: ['agree', 'disagree', 'abstain'][i % 3]!, channel: 'paper', signedAt: '2026-11-20' },
          { evidence: [SCAN] },
        ),
      ),
    );
    expect((await counts(id)).votedUnits).toBe(5);
    await expectCountsToMatchRows(id);
  });

  it('leaves the counts as they are when a ballot is refused', async () => {
    const id = await openVote('计数：拒绝');
    const before = await counts(id);
    await wang.get(`/votes/${id}`);
    expect((await wang.post(`/votes/${id}/ballot`, { voterKey: o.keys.zhang, choice: 'agree' })).statusCode).toBe(403);
    expect((await wang.post(`/votes/${id}/ballot`, { voterKey: o.keys.wang, choice: 'maybe' })).statusCode).toBe(400);
    expect(await counts(id)).toEqual(before);
  });

  it('is for display only: the close tallies the rows whatever the counts say', async () => {
    const id = await openVote('计数：结束');
    await cast(wang, id, o.keys.wang, 'agree');
    await record(id, o.keys.zhang, 'agree');
    const rows = await recount(id);
    // counts spoiled behind the app's back: the close still decides from the rows
    await t.app.db.voteCount.update({ where: { proposalId: id }, data: { agreeArea: 1, agreeVoters: 5 } });
    // closed on time (as the scheduled job does), without a request while the clock is moved on
    await inTransaction(t.app.db, (tx) => closeProposal(tx, 'system', id, new Date('2026-12-11T02:00:00Z')));
    const proposal = await t.app.db.fundProposal.findUniqueOrThrow({ where: { id } });
    expect(proposal.status).toBe('failed'); // 280 of 540 m², 2 of 5 heads: no quorum
    expect(JSON.parse(String(proposal.resultJson))).toMatchObject({
      agreeArea: rows.agreeArea,
      agreeHeadcount: rows.agreeVoters,
      participatingHeadcount: 2,
    });
    // and a recount puts the counts right again
    expect(await recountVoteCounts(t.app.db, id)).toEqual(rows);
  });

  it('a vote without its counts row is tallied from its rows on the page', async () => {
    const id = await openVote('计数：缺失');
    await cast(wang, id, o.keys.wang, 'agree');
    await t.app.db.voteCount.delete({ where: { proposalId: id } });
    const page = await committee.get(`/votes/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('100.00 m²（18.5%）');
    expect(page.body).toContain('共 5 户未投票');
  });
});

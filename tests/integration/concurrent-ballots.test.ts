import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { csrfPair, expectNoServerErrors, makeCrowd, residentClient, twoProcesses, type Resident } from './concurrent-fixtures.ts';

/**
 * 300 owners voting at the same moment on one open vote, through two server processes on one SQLite
 * file (issue #11, item 7). Every ballot writes the proposal row first (the claim that orders ballots
 * against the close), so they all contend for it: each must be recorded once, none lost, none answered
 * with a 5xx or a 503, and the tally made at the close must be the exact sum of them.
 */

let t: TestApp;
let apps: [FastifyInstance, FastifyInstance];
let closeAll: () => Promise<void>;
let w: World;
let crowd: Resident[];
let csrf: { cookie: string; token: string };
let committee: Client;
let voteId: number;

const OWNERS = 300;
type Choice = 'agree' | 'disagree' | 'abstain';
/** Owner i's choice: two in three agree, every sixth disagrees, the rest abstain. */
const choiceOf = (i: number) => (i % 3 !== 2 ? 'agree' : i % 2 === 0 ? 'disagree' : 'abstain');
/** The unit of owner i is 50.00 m² + i × 0.01 m² (concurrent-fixtures.ts). */
const areaOf = (i: number) => 5000 + i;

beforeAll(async () => {
  ({ t, apps, close: closeAll } = await twoProcesses());
  w = await makeWorld(t.app.db);
  ({ residents: crowd } = await makeCrowd(t.app.db, w, OWNERS, t.clock.now));
  csrf = await csrfPair(t.app);
  committee = await loginAs(t.app, 'committeea');
  voteId = await openVoteOn((await t.app.db.unit.findFirstOrThrow({ where: { id: crowd[0]!.unitId } })).buildingId);
});
afterAll(async () => closeAll?.());

async function openVoteOn(buildingId: number): Promise<number> {
  await committee.get('/votes/new');
  const drafted = await committee.post('/votes', {
    estateId: String(w.estateA.id),
    issueId: '',
    matter: 'use_fund',
    title: '9号楼外墙维修使用维修资金',
    description: '',
    scope: 'buildings',
    buildingIds: [String(buildingId)],
    amount: '386,000.00',
    opensAt: '',
    closesAt: '2026-12-10T18:00',
    quotesText: '',
  });
  expect(drafted.statusCode, drafted.body.slice(0, 2000)).toBe(303);
  const id = Number(/\/votes\/(\d+)/.exec(String(drafted.headers.location))?.[1]);
  await committee.get(`/votes/${id}`);
  expect((await committee.post(`/votes/${id}/open`)).statusCode).toBe(303);
  expect(await t.app.db.voteUnit.count({ where: { proposalId: id } })).toBe(OWNERS);
  return id;
}

const cast = (app: FastifyInstance, owner: Resident, choice: string) =>
  residentClient(app, owner, csrf).post(`/votes/${voteId}/ballot`, { voterKey: `o:${owner.ownerId}`, choice });
const ballots = () => t.app.db.ballot.findMany({ where: { proposalId: voteId } });
const changes = () => t.app.db.ballotChange.count({ where: { proposalId: voteId } });

describe('owners voting at the same moment', () => {
  it('300 owners cast at once, half through each process: 300 ballots, each as cast', async () => {
    const responses = await Promise.all(crowd.map((owner, i) => cast(apps[i % 2]!, owner, choiceOf(i))));

    expectNoServerErrors(responses);
    expect(responses.map((r) => r.statusCode)).toEqual(crowd.map(() => 303));
    expect(responses.map((r) => r.headers.location)).toEqual(crowd.map(() => `/votes/${voteId}?done=cast#my-ballot`));
    const rows = await ballots();
    expect(rows).toHaveLength(OWNERS);
    const byKey = new Map(rows.map((b) => [b.voterKey, b]));
    crowd.forEach((owner, i) =>
      expect(byKey.get(`o:${owner.ownerId}`)).toMatchObject({ choice: choiceOf(i), channel: 'online' }),
    );
    expect(await changes()).toBe(OWNERS);
  }, 60_000);

  it('one owner sending the ballot form twice at once, once to each process, keeps one ballot', async () => {
    const owner = crowd[7]!;
    const before = await changes();
    const responses = await Promise.all([cast(apps[0], owner, 'disagree'), cast(apps[1], owner, 'abstain')]);

    expectNoServerErrors(responses);
    expect(responses.map((r) => r.statusCode)).toEqual([303, 303]);
    const mine = (await ballots()).filter((b) => b.voterKey === `o:${owner.ownerId}`);
    expect(mine).toHaveLength(1);
    expect(['disagree', 'abstain']).toContain(mine[0]!.choice);
    expect((await ballots()).length).toBe(OWNERS);
    expect(await changes()).toBe(before + 2);
  });

  it('the tally at the close is the exact sum of the ballots', async () => {
    const final = new Map((await ballots()).map((b) => [b.voterKey, b.choice]));
    const expected = { agree: { heads: 0, area: 0 }, disagree: { heads: 0, area: 0 }, abstain: { heads: 0, area: 0 } };
    crowd.forEach((owner, i) => {
      const choice = final.get(`o:${owner.ownerId}`) as Choice;
      expected[choice].heads += 1;
      expected[choice].area += areaOf(i);
    });
    expect(expected.agree.heads).toBe(199); // 200 agreed; owner 7 then changed their mind

    await committee.get(`/votes/${voteId}/close`);
    const closed = await committee.post(`/votes/${voteId}/close`);
    expect(closed.statusCode, closed.body.slice(0, 1500)).toBe(303);
    const proposal = await t.app.db.fundProposal.findUniqueOrThrow({ where: { id: voteId } });
    expect(JSON.parse(proposal.resultJson ?? '{}')).toMatchObject({
      totalHeadcount: OWNERS,
      participatingHeadcount: OWNERS,
      agreeHeadcount: expected.agree.heads,
      disagreeHeadcount: expected.disagree.heads,
      abstainHeadcount: expected.abstain.heads,
      agreeArea: expected.agree.area,
      disagreeArea: expected.disagree.area,
      abstainArea: expected.abstain.area,
      participatingArea: OWNERS * 5000 + (OWNERS * (OWNERS - 1)) / 2,
    });
    expect(proposal.status).toBe('passed');
  });
});

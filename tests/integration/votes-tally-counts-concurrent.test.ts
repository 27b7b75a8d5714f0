import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { csrfPair, expectNoServerErrors, makeCrowd, residentClient, twoProcesses, type Resident } from './concurrent-fixtures.ts';
import { tallyVote, type VoteChoice } from '../../src/domain/vote-tally.ts';

/**
 * The vote page's running tally (VoteCount, issue #11) under ballots cast at the same moment through two
 * server processes on one SQLite file, then changed at the same moment: every ballot moves the counts in
 * its own transaction, so none is lost or counted twice, and the counts equal a recount of the rows.
 */

let t: TestApp;
let apps: [FastifyInstance, FastifyInstance];
let closeAll: () => Promise<void>;
let w: World;
let crowd: Resident[];
let csrf: { cookie: string; token: string };
let committee: Client;
let voteId: number;

const OWNERS = 120;

beforeAll(async () => {
  ({ t, apps, close: closeAll } = await twoProcesses());
  w = await makeWorld(t.app.db);
  ({ residents: crowd } = await makeCrowd(t.app.db, w, OWNERS, t.clock.now));
  csrf = await csrfPair(t.app);
  committee = await loginAs(t.app, 'committeea');
  const buildingId = (await t.app.db.unit.findFirstOrThrow({ where: { id: crowd[0]!.unitId } })).buildingId;
  await committee.get('/votes/new');
  const drafted = await committee.post('/votes', {
    estateId: String(w.estateA.id),
    issueId: '',
    matter: 'use_fund',
    title: '9号楼屋面维修使用维修资金',
    description: '',
    scope: 'buildings',
    buildingIds: [String(buildingId)],
    amount: '100,000.00',
    opensAt: '',
    closesAt: '2026-12-10T18:00',
    quotesText: '',
  });
  voteId = Number(/\/votes\/(\d+)/.exec(String(drafted.headers.location))?.[1]);
  await committee.get(`/votes/${voteId}`);
  expect((await committee.post(`/votes/${voteId}/open`)).statusCode).toBe(303);
});
afterAll(async () => closeAll?.());

/** Owner i's ballot, through process i % 2 (or the other one). */
const cast = (i: number, choice: VoteChoice, otherProcess = false) =>
  residentClient(apps[(i + (otherProcess ? 1 : 0)) % 2]!, crowd[i]!, csrf).post(`/votes/${voteId}/ballot`, {
    voterKey: `o:${crowd[i]!.ownerId}`,
    choice,
  });

async function expectCountsToMatchRows() {
  const [units, ballots, kept] = await Promise.all([
    t.app.db.voteUnit.findMany({ where: { proposalId: voteId } }),
    t.app.db.ballot.findMany({ where: { proposalId: voteId } }),
    t.app.db.voteCount.findUniqueOrThrow({ where: { proposalId: voteId } }),
  ]);
  const tally = tallyVote(
    units.map((u) => ({ unitId: String(u.unitId), areaCentiM2: u.areaCentiM2, voterKey: u.voterKey })),
    ballots.map((b) => ({ voterKey: b.voterKey, choice: b.choice as VoteChoice })),
    'use_fund',
  );
  expect(kept).toMatchObject({
    electorateArea: tally.totalArea,
    electorateVoters: tally.totalHeadcount,
    agreeArea: tally.agreeArea,
    agreeVoters: tally.agreeHeadcount,
    disagreeArea: tally.disagreeArea,
    disagreeVoters: tally.disagreeHeadcount,
    abstainArea: tally.abstainArea,
    abstainVoters: tally.abstainHeadcount,
    votedUnits: ballots.length,
  });
  return tally;
}

describe('the running tally under ballots cast at once through two processes', () => {
  it('counts every ballot once, and every change of mind once', async () => {
    const first = await Promise.all(crowd.map((_, i) => cast(i, i % 3 === 0 ? 'disagree' : 'agree')));
    expectNoServerErrors(first);
    expect(first.map((r) => r.statusCode)).toEqual(crowd.map(() => 303));
    expect((await expectCountsToMatchRows()).participatingHeadcount).toBe(OWNERS);

    // half of them change their minds, at once, through the other process
    const changed = await Promise.all(crowd.map((_, i) => (i % 2 === 0 ? cast(i + 1, 'abstain', true) : null)).filter((p) => p));
    expectNoServerErrors(changed.map((r) => r!));
    const tally = await expectCountsToMatchRows();
    expect(tally.abstainHeadcount).toBe(OWNERS / 2);
    expect(tally.participatingHeadcount).toBe(OWNERS);
  });
});

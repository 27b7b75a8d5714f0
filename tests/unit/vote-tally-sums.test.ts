import { describe, expect, it } from 'vitest';
import {
  MATTERS,
  VOTE_CHOICES,
  VoteInputError,
  tallyFromSums,
  tallyVote,
  type VoteBallot,
  type VoteMatter,
  type VoteSums,
  type VoteUnit,
} from '../../src/domain/vote-tally.ts';

/**
 * `tallyFromSums` is what the vote page makes of its running counts (issue #11); `tallyVote` is what the
 * close makes of the rows. Given the sums of the same rows, they must agree on every figure.
 */

/** The sums of an electorate and its ballots, added up independently of the domain code. */
function sumsOf(units: VoteUnit[], ballots: VoteBallot[]): VoteSums {
  const area = new Map<string, number>();
  for (const u of units) area.set(u.voterKey, (area.get(u.voterKey) ?? 0) + u.areaCentiM2);
  const sums = {
    totalArea: [...area.values()].reduce((a, b) => a + b, 0),
    totalHeadcount: area.size,
    agreeArea: 0,
    agreeHeadcount: 0,
    disagreeArea: 0,
    disagreeHeadcount: 0,
    abstainArea: 0,
    abstainHeadcount: 0,
  };
  for (const b of ballots) {
    const a = area.get(b.voterKey);
    if (a === undefined) continue;
    sums[`${b.choice}Area`] += a;
    sums[`${b.choice}Headcount`] += 1;
  }
  return sums;
}

function randomSequence(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** An electorate of 1–60 units with shared keys, and ballots from any share of it (outsiders too). */
function randomVote(next: () => number): { units: VoteUnit[]; ballots: VoteBallot[]; matter: VoteMatter } {
  const count = 1 + Math.floor(next() * 60);
  const voters = 1 + Math.floor(next() * count);
  const units = Array.from({ length: count }, (_, i) => ({
    unitId: `u${i}`,
    areaCentiM2: 1 + Math.floor(next() * 20000),
    voterKey: `k${i < voters ? i : Math.floor(next() * voters)}`,
  }));
  const turnout = next();
  const ballots: VoteBallot[] = [];
  for (let k = 0; k < voters; k++)
    if (next() < turnout) ballots.push({ voterKey: `k${k}`, choice: VOTE_CHOICES[Math.floor(next() * 3)]! });
  if (next() < 0.2) ballots.push({ voterKey: 'outsider', choice: 'agree' });
  return { units, ballots, matter: MATTERS[Math.floor(next() * MATTERS.length)]! };
}

describe('the tally of sums', () => {
  it('agrees with the tally of the rows on every figure, over a thousand generated votes', () => {
    const next = randomSequence(2026);
    for (let i = 0; i < 1000; i++) {
      const { units, ballots, matter } = randomVote(next);
      expect(tallyFromSums(sumsOf(units, ballots), matter), `vote ${i}`).toEqual(tallyVote(units, ballots, matter));
    }
  });

  it.each([
    // exactly 2/3 of both bases take part, exactly half agree: the quorum holds, a majority does not
    ['on the bounds', [300, 300, 300], ['agree', 'disagree', null], 'use_fund'],
    // three quarters agree of those taking part: "at least" 3/4 holds
    ['at three quarters', [100, 100, 100, 100], ['agree', 'agree', 'agree', 'disagree'], 'raise_fund'],
    ['nobody yet', [100, 200], [null, null], 'ordinary'],
  ] as const)('agrees with the rows %s', (_name, areas, choices, matter) => {
    const units = areas.map((areaCentiM2, i) => ({ unitId: `u${i}`, areaCentiM2, voterKey: `k${i}` }));
    const ballots = choices.flatMap((choice, i) => (choice ? [{ voterKey: `k${i}`, choice }] : []));
    expect(tallyFromSums(sumsOf(units, ballots), matter)).toEqual(tallyVote(units, ballots, matter));
  });

  const none: VoteSums = {
    totalArea: 0,
    totalHeadcount: 0,
    agreeArea: 0,
    agreeHeadcount: 0,
    disagreeArea: 0,
    disagreeHeadcount: 0,
    abstainArea: 0,
    abstainHeadcount: 0,
  };

  it('refuses an electorate without voters or without area, as the rows would', () => {
    expect(() => tallyFromSums(none, 'use_fund')).toThrow(VoteInputError);
    expect(() => tallyFromSums({ ...none, totalHeadcount: 2 }, 'use_fund')).toThrow(/no recorded area/);
  });

  it('refuses sums no electorate can have', () => {
    const base = { ...none, totalArea: 100, totalHeadcount: 1 };
    expect(() => tallyFromSums({ ...base, agreeArea: 200, agreeHeadcount: 1 }, 'use_fund')).toThrow(RangeError);
    expect(() => tallyFromSums({ ...base, agreeHeadcount: 2, agreeArea: 100 }, 'use_fund')).toThrow(RangeError);
    expect(() => tallyFromSums({ ...base, abstainArea: -1 }, 'use_fund')).toThrow(RangeError);
    expect(() => tallyFromSums({ ...base, totalArea: 1.5 }, 'use_fund')).toThrow(RangeError);
  });
});

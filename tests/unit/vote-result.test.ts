import { describe, expect, it } from 'vitest';
import {
  approvedLedgerAmount,
  createsLedgerAmount,
  RESULT_NOTICE_KEYS,
  resultNoticeKey,
  voteResult,
} from '../../src/domain/vote-result.ts';
import { MATTERS, tallyVote, type VoteBallot, type VoteMatter, type VoteUnit } from '../../src/domain/vote-tally.ts';

// 4 owners: A 300 agree, B 300 agree, C 300 agree, D 100 disagree; total 1000 / 4, everyone took part.
// majority: 900*2 > 1000, 3*2 > 4. 3/4: 900*4 >= 1000*3, 3*4 >= 4*3: every matter passes.
const UNITS: VoteUnit[] = [
  { unitId: 'u1', areaCentiM2: 300, voterKey: 'A' },
  { unitId: 'u2', areaCentiM2: 300, voterKey: 'B' },
  { unitId: 'u3', areaCentiM2: 300, voterKey: 'C' },
  { unitId: 'u4', areaCentiM2: 100, voterKey: 'D' },
];
const PASSING: VoteBallot[] = [
  { voterKey: 'A', choice: 'agree' },
  { voterKey: 'B', choice: 'agree' },
  { voterKey: 'C', choice: 'agree' },
  { voterKey: 'D', choice: 'disagree' },
];
// A agrees, B abstains, D disagrees, C away: participation 700*3 >= 2000, 3*3 >= 8; agree 300*2 = 600, not > 700.
const FAILING: VoteBallot[] = [
  { voterKey: 'A', choice: 'agree' },
  { voterKey: 'B', choice: 'abstain' },
  { voterKey: 'D', choice: 'disagree' },
];

describe('results by matter', () => {
  it.each([
    ['use_fund', true],
    ['raise_fund', false],
    ['rebuild', false],
    ['change_use', false],
    ['ordinary', false],
  ] as const)('%s creates an approved amount in the ledger: %s', (matter, creates) => {
    expect(createsLedgerAmount(matter)).toBe(creates);
    const result = voteResult(tallyVote(UNITS, PASSING, matter), matter);
    expect(result).toMatchObject({ outcome: 'passed', createsLedgerAmount: creates, noticeKey: `votes.result.${matter}.passed` });
    expect(approvedLedgerAmount(result, 1_250_000)).toBe(creates ? 1_250_000 : null);
  });

  it('a passed raise_fund vote is not published as using the fund and approves nothing to spend', () => {
    const result = voteResult(tallyVote(UNITS, PASSING, 'raise_fund'), 'raise_fund');
    expect(result.noticeKey).toBe('votes.result.raise_fund.passed');
    expect(result.noticeKey).not.toContain('use_fund');
    expect(approvedLedgerAmount(result, 500_000)).toBeNull();
  });

  it('a failed use_fund vote approves nothing', () => {
    const result = voteResult(tallyVote(UNITS, FAILING, 'use_fund'), 'use_fund');
    expect(result.outcome).toBe('failed');
    expect(result.createsLedgerAmount).toBe(false);
    expect(approvedLedgerAmount(result, 500_000)).toBeNull();
  });

  it('publishes agree, disagree and abstain heads and areas, participation and the electorate', () => {
    expect(voteResult(tallyVote(UNITS, FAILING, 'use_fund'), 'use_fund')).toEqual({
      matter: 'use_fund',
      outcome: 'failed',
      noticeKey: 'votes.result.use_fund.failed',
      threshold: 'majority',
      heads: { agree: 1, disagree: 1, abstain: 1, participating: 3, electorate: 4 },
      areas: { agree: 300, disagree: 100, abstain: 300, participating: 700, electorate: 1000 },
      quorumReached: true,
      failedOn: ['approval_area', 'approval_headcount'],
      createsLedgerAmount: false,
    });
  });

  it.each<[string, VoteBallot[], string[]]>([
    // A alone: 300*3 < 2000, 1*3 < 8; approval holds among those who took part
    ['only one owner took part', [{ voterKey: 'A', choice: 'agree' }], ['quorum_area', 'quorum_headcount']],
    // A, B, D: 700*3 >= 2000, 9 >= 8; agree 600*2 = 1200 > 700 and 2*2 = 4 > 3: passes, nothing failed
    [
      'three owners, two agreeing',
      [
        { voterKey: 'A', choice: 'agree' },
        { voterKey: 'B', choice: 'agree' },
        { voterKey: 'D', choice: 'disagree' },
      ],
      [],
    ],
    // B, C, D: area 700 (2100 >= 2000), heads 3; agree D alone: 100*2 < 700, 1*2 < 3
    [
      'three owners, only the smallest agreeing',
      [
        { voterKey: 'B', choice: 'disagree' },
        { voterKey: 'C', choice: 'disagree' },
        { voterKey: 'D', choice: 'agree' },
      ],
      ['approval_area', 'approval_headcount'],
    ],
  ])('says on which conditions it failed: %s', (_name, b, failedOn) => {
    expect(voteResult(tallyVote(UNITS, b, 'use_fund'), 'use_fund').failedOn).toEqual(failedOn);
  });

  it('has a notice key for every matter and outcome', () => {
    expect(RESULT_NOTICE_KEYS).toHaveLength(MATTERS.length * 2);
    expect(new Set(RESULT_NOTICE_KEYS).size).toBe(MATTERS.length * 2);
    expect(resultNoticeKey('change_use', 'failed')).toBe('votes.result.change_use.failed');
  });

  it('refuses a tally made under another matter’s threshold, and an unknown matter', () => {
    expect(() => voteResult(tallyVote(UNITS, PASSING, 'use_fund'), 'rebuild')).toThrow(RangeError);
    expect(() => createsLedgerAmount('demolish' as VoteMatter)).toThrow(RangeError);
  });

  it.each([0, -5, 1.5])('refuses a ledger amount of %s fen for a passed use_fund vote', (amount) => {
    const result = voteResult(tallyVote(UNITS, PASSING, 'use_fund'), 'use_fund');
    expect(() => approvedLedgerAmount(result, amount)).toThrow(RangeError);
  });
});

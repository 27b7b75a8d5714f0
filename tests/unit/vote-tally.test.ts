import { describe, expect, it } from 'vitest';
import {
  electorateProblems,
  MATTERS,
  thresholdFor,
  tallyVote,
  VoteInputError,
  type VoteBallot,
  type VoteChoice,
  type VoteMatter,
  type VoteTally,
  type VoteUnit,
} from '../../src/domain/vote-tally.ts';

// Compact fixtures: [unitId, areaCentiM2, voterKey] and [voterKey, choice].
type UnitSpec = readonly [string, number, string];
type BallotSpec = readonly [string, VoteChoice];
const units = (specs: readonly UnitSpec[]): VoteUnit[] =>
  specs.map(([unitId, areaCentiM2, voterKey]) => ({ unitId, areaCentiM2, voterKey }));
const ballots = (specs: readonly BallotSpec[]): VoteBallot[] => specs.map(([voterKey, choice]) => ({ voterKey, choice }));

interface Case {
  name: string;
  units: UnitSpec[];
  ballots: BallotSpec[];
  matter: VoteMatter;
  expected: Partial<VoteTally>;
}

// Every expected figure below is worked out by hand in the comment next to it.
const quorumCases: Case[] = [
  {
    // area 600*3 = 1800 >= 900*2 = 1800; heads 2*3 = 6 >= 3*2 = 6
    name: 'exactly 2/3 of area and of headcount: quorum reached',
    units: [
      ['u1', 300, 'A'],
      ['u2', 300, 'B'],
      ['u3', 300, 'C'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
    ],
    matter: 'use_fund',
    expected: {
      totalArea: 900,
      totalHeadcount: 3,
      participatingArea: 600,
      participatingHeadcount: 2,
      quorumReached: true,
      approved: true,
    },
  },
  {
    // area 599*3 = 1797 < 1800 although heads 2*3 = 6 >= 6
    name: 'area one 0.01 m² below 2/3: quorum not reached',
    units: [
      ['u1', 300, 'A'],
      ['u2', 299, 'B'],
      ['u3', 301, 'C'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
    ],
    matter: 'use_fund',
    expected: { totalArea: 900, participatingArea: 599, participatingHeadcount: 2, quorumReached: false, approved: false },
  },
  {
    // heads 2*3 = 6 >= 6, but area 200*3 = 600 < 900*2 = 1800
    name: 'headcount exactly 2/3 but area well below: not reached',
    units: [
      ['u1', 100, 'A'],
      ['u2', 100, 'B'],
      ['u3', 700, 'C'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
    ],
    matter: 'use_fund',
    expected: { participatingArea: 200, participatingHeadcount: 2, quorumReached: false, approved: false },
  },
  {
    // area 700*3 = 2100 >= 1800, but heads 1*3 = 3 < 6
    name: 'area above 2/3 but headcount below: not reached',
    units: [
      ['u1', 700, 'A'],
      ['u2', 100, 'B'],
      ['u3', 100, 'C'],
    ],
    ballots: [['A', 'agree']],
    matter: 'use_fund',
    expected: { participatingArea: 700, participatingHeadcount: 1, quorumReached: false, approved: false },
  },
  {
    // heads 2*3 = 6 < 4*2 = 8 (half of the owners is not 2/3)
    name: 'headcount 2 of 4 with most of the area: not reached',
    units: [
      ['u1', 400, 'A'],
      ['u2', 400, 'B'],
      ['u3', 100, 'C'],
      ['u4', 100, 'D'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
    ],
    matter: 'use_fund',
    expected: { participatingArea: 800, participatingHeadcount: 2, quorumReached: false, approved: false },
  },
  {
    // nobody voted: 0*3 = 0 < 1800
    name: 'nobody voted: not reached',
    units: [
      ['u1', 300, 'A'],
      ['u2', 300, 'B'],
      ['u3', 300, 'C'],
    ],
    ballots: [],
    matter: 'rebuild',
    expected: { participatingArea: 0, participatingHeadcount: 0, quorumReached: false, approved: false },
  },
];

const approvalCases: Case[] = [
  {
    // everyone voted (quorum). agree area 750*2 = 1500, not > 1500; heads 2*2 = 4 > 3
    name: 'use_fund, agree area exactly half of participating: not approved',
    units: [
      ['u1', 500, 'A'],
      ['u2', 250, 'B'],
      ['u3', 750, 'C'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'disagree'],
    ],
    matter: 'use_fund',
    expected: {
      participatingArea: 1500,
      agreeArea: 750,
      agreeHeadcount: 2,
      disagreeArea: 750,
      disagreeHeadcount: 1,
      quorumReached: true,
      approved: false,
    },
  },
  {
    // agree area 751*2 = 1502 > 1501; heads 4 > 3
    name: 'use_fund, half + 0.01 m²: approved',
    units: [
      ['u1', 500, 'A'],
      ['u2', 251, 'B'],
      ['u3', 750, 'C'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'disagree'],
    ],
    matter: 'use_fund',
    expected: { participatingArea: 1501, agreeArea: 751, quorumReached: true, approved: true },
  },
  {
    // area 1000*2 = 2000 > 1100, but heads 1*2 = 2, not > 2
    name: 'use_fund, agree headcount exactly half: not approved',
    units: [
      ['u1', 1000, 'A'],
      ['u2', 100, 'B'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'disagree'],
    ],
    matter: 'use_fund',
    expected: { agreeArea: 1000, agreeHeadcount: 1, quorumReached: true, approved: false },
  },
  {
    // ordinary matters use the same majority rule: 751*2 = 1502 > 1501
    name: 'ordinary, half + 0.01 m²: approved',
    units: [
      ['u1', 500, 'A'],
      ['u2', 251, 'B'],
      ['u3', 750, 'C'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'disagree'],
    ],
    matter: 'ordinary',
    expected: { threshold: 'majority', approved: true },
  },
  {
    // area 900*4 = 3600 >= 1200*3 = 3600; heads 3*4 = 12 >= 4*3 = 12
    name: 'rebuild, exactly 3/4 of area and headcount: approved',
    units: [
      ['u1', 300, 'A'],
      ['u2', 300, 'B'],
      ['u3', 300, 'C'],
      ['u4', 300, 'D'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'agree'],
      ['D', 'disagree'],
    ],
    matter: 'rebuild',
    expected: { threshold: 'three_quarters', agreeArea: 900, agreeHeadcount: 3, quorumReached: true, approved: true },
  },
  {
    // area 899*4 = 3596 < 3600
    name: 'rebuild, agree area 0.01 m² below 3/4: not approved',
    units: [
      ['u1', 300, 'A'],
      ['u2', 300, 'B'],
      ['u3', 299, 'C'],
      ['u4', 301, 'D'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'agree'],
      ['D', 'disagree'],
    ],
    matter: 'rebuild',
    expected: { agreeArea: 899, quorumReached: true, approved: false },
  },
  {
    // same votes under the majority rule: 899*2 = 1798 > 1200, heads 6 > 4
    name: 'use_fund, same votes as above: approved',
    units: [
      ['u1', 300, 'A'],
      ['u2', 300, 'B'],
      ['u3', 299, 'C'],
      ['u4', 301, 'D'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'agree'],
      ['D', 'disagree'],
    ],
    matter: 'use_fund',
    expected: { approved: true },
  },
  {
    // area 1000*4 = 4000 >= 3000, but heads 2*4 = 8 < 3*3 = 9
    name: 'raise_fund, area 3/4 but headcount 2 of 3: not approved',
    units: [
      ['u1', 500, 'A'],
      ['u2', 500, 'B'],
      ['u3', 100, 'C'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'disagree'],
    ],
    matter: 'raise_fund',
    expected: { agreeArea: 1000, agreeHeadcount: 2, approved: false },
  },
  {
    // as the rebuild case at exactly 3/4
    name: 'change_use, exactly 3/4: approved',
    units: [
      ['u1', 300, 'A'],
      ['u2', 300, 'B'],
      ['u3', 300, 'C'],
      ['u4', 300, 'D'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'agree'],
      ['D', 'disagree'],
    ],
    matter: 'change_use',
    expected: { approved: true },
  },
  {
    // 5 voters of 100: 4 participate (400*3 = 1200 >= 1000, 4*3 = 12 >= 10).
    // Abstainer counts in the denominator: agree 200*2 = 400, not > 400.
    name: 'abstention participates but does not approve',
    units: [
      ['u1', 100, 'A'],
      ['u2', 100, 'B'],
      ['u3', 100, 'C'],
      ['u4', 100, 'D'],
      ['u5', 100, 'E'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'abstain'],
      ['D', 'disagree'],
    ],
    matter: 'use_fund',
    expected: {
      participatingArea: 400,
      participatingHeadcount: 4,
      agreeArea: 200,
      agreeHeadcount: 2,
      abstainArea: 100,
      abstainHeadcount: 1,
      disagreeArea: 100,
      disagreeHeadcount: 1,
      quorumReached: true,
      approved: false,
    },
  },
  {
    // only abstentions: quorum (300*3 >= 600) but nobody agrees
    name: 'everyone abstains: quorum, not approved',
    units: [
      ['u1', 100, 'A'],
      ['u2', 100, 'B'],
      ['u3', 100, 'C'],
    ],
    ballots: [
      ['A', 'abstain'],
      ['B', 'abstain'],
      ['C', 'abstain'],
    ],
    matter: 'use_fund',
    expected: { abstainArea: 300, abstainHeadcount: 3, agreeArea: 0, quorumReached: true, approved: false },
  },
];

const electorateCases: Case[] = [
  {
    // P owns 100+200+300 = 600, one head; total 600+600+300 = 1500, 3 heads.
    // P and Q vote: area 1200*3 = 3600 >= 3000, heads 2*3 = 6 >= 6. Agree 600*2 = 1200, not > 1200.
    name: 'one person with three units: head once, area in full',
    units: [
      ['u1', 100, 'P'],
      ['u2', 200, 'P'],
      ['u3', 300, 'P'],
      ['u4', 600, 'Q'],
      ['u5', 300, 'R'],
    ],
    ballots: [
      ['P', 'agree'],
      ['Q', 'disagree'],
    ],
    matter: 'use_fund',
    expected: {
      totalArea: 1500,
      totalHeadcount: 3,
      participatingArea: 1200,
      participatingHeadcount: 2,
      agreeArea: 600,
      agreeHeadcount: 1,
      disagreeArea: 600,
      quorumReached: true,
      approved: false,
    },
  },
  {
    // developer's 4 unsold units of 100 count as one head with 400; total 1000, 3 heads.
    // DEV and A: area 700*3 = 2100 >= 2000, heads 2*3 = 6 >= 6; all agree.
    name: "developer's unsold units share one key: one head",
    units: [
      ['d1', 100, 'DEV'],
      ['d2', 100, 'DEV'],
      ['d3', 100, 'DEV'],
      ['d4', 100, 'DEV'],
      ['u1', 300, 'A'],
      ['u2', 300, 'B'],
    ],
    ballots: [
      ['DEV', 'agree'],
      ['A', 'agree'],
    ],
    matter: 'use_fund',
    expected: { totalArea: 1000, totalHeadcount: 3, agreeArea: 700, agreeHeadcount: 2, quorumReached: true, approved: true },
  },
  {
    // X owns nothing in this electorate (e.g. lives in building 3, vote is for building 5)
    name: 'ballot from outside the electorate is ignored',
    units: [
      ['u1', 100, 'A'],
      ['u2', 100, 'B'],
      ['u3', 100, 'C'],
    ],
    ballots: [
      ['A', 'agree'],
      ['X', 'disagree'],
      ['B', 'agree'],
    ],
    matter: 'use_fund',
    expected: {
      totalHeadcount: 3,
      participatingArea: 200,
      participatingHeadcount: 2,
      disagreeHeadcount: 0,
      disagreeArea: 0,
      approved: true,
    },
  },
];

// Sums stay within Number.MAX_SAFE_INTEGER (9007199254740991) but the cross-multiplied comparisons
// pass 2^54, where doubles are 4 apart: agree*4 = 27021597764222972 and participating*3 =
// 27021597764222973 are the same double, so a float comparison would call the first case approved.
const largeCases: Case[] = [
  {
    // agree 2251799813685248+2251799813685248+2251799813685247 = 6755399441055743; total 9007199254740991.
    // 6755399441055743*4 = 27021597764222972 < 9007199254740991*3 = 27021597764222973
    name: 'large areas, 3/4 missed by one part in 10^16: not approved',
    units: [
      ['u1', 2251799813685248, 'A'],
      ['u2', 2251799813685248, 'B'],
      ['u3', 2251799813685247, 'C'],
      ['u4', 2251799813685248, 'D'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'agree'],
      ['D', 'disagree'],
    ],
    matter: 'rebuild',
    expected: { totalArea: 9007199254740991, agreeArea: 6755399441055743, quorumReached: true, approved: false },
  },
  {
    // agree 3*2251799813685248 = 6755399441055744; *4 = 27021597764222976 >= 27021597764222973
    name: 'large areas, 3/4 met: approved',
    units: [
      ['u1', 2251799813685248, 'A'],
      ['u2', 2251799813685248, 'B'],
      ['u3', 2251799813685248, 'C'],
      ['u4', 2251799813685247, 'D'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'agree'],
      ['D', 'disagree'],
    ],
    matter: 'rebuild',
    expected: { totalArea: 9007199254740991, agreeArea: 6755399441055744, quorumReached: true, approved: true },
  },
  {
    // 2/3 quorum at the same scale: part 2*3002399751580330 = 6004799503160660, *3 = 18014398509481980;
    // total 9007199254740990, *2 = 18014398509481980: equal, reached.
    name: 'large areas, exactly 2/3: quorum reached',
    units: [
      ['u1', 3002399751580330, 'A'],
      ['u2', 3002399751580330, 'B'],
      ['u3', 3002399751580330, 'C'],
    ],
    ballots: [
      ['A', 'disagree'],
      ['B', 'disagree'],
    ],
    matter: 'use_fund',
    expected: { totalArea: 9007199254740990, participatingArea: 6004799503160660, quorumReached: true, approved: false },
  },
];

const neededCases: Case[] = [
  {
    // quorum: area ceil(1800/3) = 600, heads ceil(6/3) = 2.
    // majority with nobody in: one agreeing newcomer: (0+1)*2 > 0+1.
    name: 'needed: nobody has voted (use_fund)',
    units: [
      ['u1', 300, 'A'],
      ['u2', 300, 'B'],
      ['u3', 300, 'C'],
    ],
    ballots: [],
    matter: 'use_fund',
    expected: { needed: { participationArea: 600, participationHeadcount: 2, approvalArea: 1, approvalHeadcount: 1 } },
  },
  {
    // total 1000, part 400: area ceil((2000-1200)/3) = ceil(266.67) = 267 (667*3 = 2001 >= 2000; 666*3 = 1998 < 2000);
    // heads ceil((6-3)/3) = 1. Agree already 400 of 400 and 1 of 1: approval conditions hold.
    name: 'needed: one voter in, quorum needs ceil division',
    units: [
      ['u1', 400, 'A'],
      ['u2', 350, 'B'],
      ['u3', 250, 'C'],
    ],
    ballots: [['A', 'agree']],
    matter: 'use_fund',
    expected: {
      quorumReached: false,
      needed: { participationArea: 267, participationHeadcount: 1, approvalArea: 0, approvalHeadcount: 0 },
    },
  },
  {
    // total 1000 / 4 heads; part 800 (2400 >= 2000), heads 2 (6 < 8): heads ceil((8-6)/3) = 1.
    // 3/4: area 3*800 - 4*500 = 400 ((900)*4 = 3600 >= 1200*3 = 3600; 399 gives 3596 < 3597);
    // heads 3*2 - 4*1 = 2 ((1+2)*4 = 12 >= (2+2)*3 = 12).
    name: 'needed: rebuild with area quorum met, headcount not',
    units: [
      ['u1', 500, 'A'],
      ['u2', 300, 'B'],
      ['u3', 100, 'C'],
      ['u4', 100, 'D'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'disagree'],
    ],
    matter: 'rebuild',
    expected: {
      quorumReached: false,
      needed: { participationArea: 0, participationHeadcount: 1, approvalArea: 400, approvalHeadcount: 2 },
    },
  },
  {
    // agree exactly half: one more 0.01 m² agreeing: 751*2 = 1502 > 1501. Heads 2*2 = 4 > 3 already.
    name: 'needed: majority missed by exactly half',
    units: [
      ['u1', 500, 'A'],
      ['u2', 250, 'B'],
      ['u3', 750, 'C'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'disagree'],
    ],
    matter: 'use_fund',
    expected: { needed: { participationArea: 0, participationHeadcount: 0, approvalArea: 1, approvalHeadcount: 0 } },
  },
  {
    name: 'needed: passed vote needs nothing',
    units: [
      ['u1', 300, 'A'],
      ['u2', 300, 'B'],
      ['u3', 300, 'C'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
    ],
    matter: 'use_fund',
    expected: {
      approved: true,
      needed: { participationArea: 0, participationHeadcount: 0, approvalArea: 0, approvalHeadcount: 0 },
    },
  },
];

describe('tallyVote', () => {
  describe.each([
    ['quorum', quorumCases],
    ['approval', approvalCases],
    ['electorate', electorateCases],
    ['large numbers', largeCases],
    ['needed', neededCases],
  ] as const)('%s', (_group, cases) => {
    it.each(cases)('$name', ({ units: u, ballots: b, matter, expected }) => {
      expect(tallyVote(units(u), ballots(b), matter)).toMatchObject(expected);
    });
  });

  it('returns every field, all figures as numbers', () => {
    // A 300 agree, B 300 disagree, C 300 abstain, D 100 not voted; total 1000 / 4.
    // quorum: 900*3 >= 2000, 3*3 = 9 >= 8. majority: 300*2 = 600, not > 900.
    // needed approval: area 900 + 1 - 600 = 301, heads 3 + 1 - 2 = 2.
    const tally = tallyVote(
      units([
        ['u1', 300, 'A'],
        ['u2', 300, 'B'],
        ['u3', 300, 'C'],
        ['u4', 100, 'D'],
      ]),
      ballots([
        ['A', 'agree'],
        ['B', 'disagree'],
        ['C', 'abstain'],
      ]),
      'use_fund',
    );
    expect(tally).toEqual({
      totalArea: 1000,
      totalHeadcount: 4,
      participatingArea: 900,
      participatingHeadcount: 3,
      agreeArea: 300,
      agreeHeadcount: 1,
      disagreeArea: 300,
      disagreeHeadcount: 1,
      abstainArea: 300,
      abstainHeadcount: 1,
      quorumReached: true,
      approved: false,
      threshold: 'majority',
      needed: { participationArea: 0, participationHeadcount: 0, approvalArea: 301, approvalHeadcount: 2 },
    });
  });

  it.each([
    [
      'two ballots inside the electorate',
      [
        ['A', 'agree'],
        ['A', 'disagree'],
      ],
    ],
    [
      'two ballots outside the electorate',
      [
        ['X', 'agree'],
        ['X', 'agree'],
      ],
    ],
  ] as const)('throws on a duplicate ballot: %s', (_name, b) => {
    const run = () => tallyVote(units([['u1', 100, 'A']]), ballots(b), 'use_fund');
    expect(run).toThrow(VoteInputError);
    expect(run).toThrow(/two ballots/);
  });

  it('throws when the same unit is listed twice', () => {
    expect(() =>
      tallyVote(
        units([
          ['u1', 100, 'A'],
          ['u1', 100, 'A'],
        ]),
        [],
        'use_fund',
      ),
    ).toThrow(VoteInputError);
  });

  it.each([
    ['fractional', 86.35],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['beyond 2^53', Number.MAX_SAFE_INTEGER + 1],
  ])('rejects a %s area with RangeError', (_name, area) => {
    expect(() => tallyVote([{ unitId: 'u1', areaCentiM2: area, voterKey: 'A' }], [], 'use_fund')).toThrow(RangeError);
  });

  it('rejects a total area that cannot be reported exactly', () => {
    // each unit is safe, their sum 2 * 9007199254740991 is not
    const u = units([
      ['u1', Number.MAX_SAFE_INTEGER, 'A'],
      ['u2', Number.MAX_SAFE_INTEGER, 'B'],
    ]);
    expect(() => tallyVote(u, [], 'use_fund')).toThrow(RangeError);
  });

  it('rejects an unknown matter and an unknown choice', () => {
    expect(() => tallyVote([], [], 'demolish' as VoteMatter)).toThrow(RangeError);
    const bad = [{ voterKey: 'A', choice: 'yes' as VoteChoice }];
    expect(() => tallyVote(units([['u1', 100, 'A']]), bad, 'use_fund')).toThrow(RangeError);
  });
});

describe('a unit without area cannot enter an electorate', () => {
  it.each([
    [
      'all areas recorded',
      [
        ['u1', 100, 'A'],
        ['u2', 1, 'B'],
      ],
      [],
    ],
    [
      'zero and negative areas',
      [
        ['u1', 0, 'A'],
        ['u2', 100, 'B'],
        ['u3', -5, 'C'],
      ],
      [
        { unitId: 'u1', problem: 'no_area' },
        { unitId: 'u3', problem: 'no_area' },
      ],
    ],
    [
      'areas that are not whole 0.01 m²',
      [
        ['u1', 86.35, 'A'],
        ['u2', Number.NaN, 'B'],
      ],
      [
        { unitId: 'u1', problem: 'area_not_integer' },
        { unitId: 'u2', problem: 'area_not_integer' },
      ],
    ],
    ['an empty list (refused by the tally, not here)', [], []],
  ] as const)('electorateProblems: %s', (_name, u, expected) => {
    expect(electorateProblems(units(u))).toEqual(expected);
  });

  it.each([
    ['zero', 0],
    ['negative', -1],
  ])('tallyVote refuses a unit with a %s area', (_name, area) => {
    const run = () =>
      tallyVote(
        units([
          ['u1', 100, 'A'],
          ['u2', area, 'B'],
        ]),
        [],
        'use_fund',
      );
    expect(run).toThrow(VoteInputError);
    expect(run).toThrow(expect.objectContaining({ code: 'unit_without_area' }));
  });

  it('tallyVote refuses an empty electorate', () => {
    expect(() => tallyVote([], [], 'use_fund')).toThrow(
      expect.objectContaining({ name: 'VoteInputError', code: 'empty_electorate' }),
    );
  });

  // The hole: with every area 0, the area basis read 0*4 >= 0*3 (3/4 held) but not 0*2 > 0 (majority failed),
  // so raise_fund passed where use_fund with the same ballots failed.
  it.each(['raise_fund', 'use_fund'] as const)('regression: all areas 0, same ballots: %s is refused', (matter) => {
    const zero = units([
      ['u1', 0, 'A'],
      ['u2', 0, 'B'],
      ['u3', 0, 'C'],
      ['u4', 0, 'D'],
    ]);
    const b = ballots([
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'agree'],
      ['D', 'disagree'],
    ]);
    expect(() => tallyVote(zero, b, matter)).toThrow(expect.objectContaining({ code: 'unit_without_area' }));
  });

  it('with areas recorded, a 3/4 pass is always a majority pass (the hole cannot reopen)', () => {
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const choices: (VoteChoice | null)[] = ['agree', 'disagree', 'abstain', null];
    for (let run = 0; run < 2000; run++) {
      const size = 1 + next(6);
      const u = Array.from({ length: size }, (_, i) => ({
        unitId: `u${i}`,
        areaCentiM2: 1 + next(4),
        voterKey: `k${next(size)}`,
      }));
      const keys = [...new Set(u.map((x) => x.voterKey))];
      const b = keys.flatMap((voterKey) => {
        const choice = choices[next(4)];
        return choice ? [{ voterKey, choice }] : [];
      });
      if (tallyVote(u, b, 'raise_fund').approved) expect(tallyVote(u, b, 'use_fund').approved).toBe(true);
    }
  });
});

describe('thresholdFor', () => {
  it.each([
    ['use_fund', 'majority'],
    ['ordinary', 'majority'],
    ['raise_fund', 'three_quarters'],
    ['rebuild', 'three_quarters'],
    ['change_use', 'three_quarters'],
  ] as const)('%s -> %s', (matter, threshold) => {
    expect(thresholdFor(matter)).toBe(threshold);
  });

  it('covers every matter', () => {
    expect([...MATTERS].sort()).toEqual(['change_use', 'ordinary', 'raise_fund', 'rebuild', 'use_fund']);
  });
});

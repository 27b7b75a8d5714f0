import { describe, expect, it } from 'vitest';
import {
  canCloseEarly,
  checkVotingPeriod,
  DEFAULT_MIN_VOTING_DAYS,
  ownerOnlineBallotMayReplace,
  recordedBallotMayReplace,
  type EarlyCloseDecision,
  type ExistingBallot,
  type IncomingRecordedBallot,
  type RecordedBallotDecision,
} from '../../src/domain/vote-procedure.ts';
import {
  MATTERS,
  tallyVote,
  thresholdFor,
  VoteInputError,
  type VoteBallot,
  type VoteChoice,
  type VoteMatter,
  type VoteUnit,
} from '../../src/domain/vote-tally.ts';

// Compact fixtures: [unitId, areaCentiM2, voterKey] and [voterKey, choice].
type UnitSpec = readonly [string, number, string];
type BallotSpec = readonly [string, VoteChoice];
const units = (specs: readonly UnitSpec[]): VoteUnit[] =>
  specs.map(([unitId, areaCentiM2, voterKey]) => ({ unitId, areaCentiM2, voterKey }));
const ballots = (specs: readonly BallotSpec[]): VoteBallot[] => specs.map(([voterKey, choice]) => ({ voterKey, choice }));

interface EarlyCase {
  name: string;
  units: UnitSpec[];
  ballots: BallotSpec[];
  matter: VoteMatter;
  expected: EarlyCloseDecision;
}

// Every expected figure is worked out by hand in the comment next to it.
const earlyCases: EarlyCase[] = [
  {
    name: 'everyone has voted: close, with the result as it stands',
    units: [
      ['u1', 300, 'A'],
      ['u2', 300, 'B'],
      ['u3', 300, 'C'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'disagree'],
      ['C', 'agree'],
    ],
    matter: 'use_fund',
    expected: { allowed: true, reason: 'all_voted', outcome: 'passed', outstanding: { headcount: 0, area: 0 } },
  },
  {
    // 4 x 100; 3 agree. D against: agree 300*2 = 600 > 400, heads 3*2 = 6 > 4. D away: 900 >= 800, 9 >= 8.
    name: 'use_fund, three of four agree: passed whatever the last does',
    units: [
      ['u1', 100, 'A'],
      ['u2', 100, 'B'],
      ['u3', 100, 'C'],
      ['u4', 100, 'D'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'agree'],
    ],
    matter: 'use_fund',
    expected: { allowed: true, reason: 'outcome_fixed', outcome: 'passed', outstanding: { headcount: 1, area: 100 } },
  },
  {
    // as above under 3/4: D against gives 300*4 = 1200 >= 400*3 = 1200 and 3*4 = 12 >= 4*3 = 12, on the bound.
    name: 'raise_fund, three of four agree: passed even with the last against (exactly 3/4)',
    units: [
      ['u1', 100, 'A'],
      ['u2', 100, 'B'],
      ['u3', 100, 'C'],
      ['u4', 100, 'D'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'agree'],
    ],
    matter: 'raise_fund',
    expected: { allowed: true, reason: 'outcome_fixed', outcome: 'passed', outstanding: { headcount: 1, area: 100 } },
  },
  {
    // 4 x 100; 2 against. All others agreeing: 200*2 = 400, not > 400.
    name: 'use_fund, half against: failed whatever the others do',
    units: [
      ['u1', 100, 'A'],
      ['u2', 100, 'B'],
      ['u3', 100, 'C'],
      ['u4', 100, 'D'],
    ],
    ballots: [
      ['A', 'disagree'],
      ['B', 'disagree'],
    ],
    matter: 'use_fund',
    expected: { allowed: true, reason: 'outcome_fixed', outcome: 'failed', outstanding: { headcount: 2, area: 200 } },
  },
  {
    // 3 x 100; A agrees. B, C agreeing pass it. Away: 100*3 < 600 (quorum). Against: 100*2 = 200, not > 300.
    // toPass: quorum area ceil((600 - 300) / 3) = 100, heads ceil((6 - 3) / 3) = 1; approval already holds.
    name: 'one of three has voted: open, it could fail by absence or by votes against',
    units: [
      ['u1', 100, 'A'],
      ['u2', 100, 'B'],
      ['u3', 100, 'C'],
    ],
    ballots: [['A', 'agree']],
    matter: 'use_fund',
    expected: {
      allowed: false,
      reason: 'outcome_open',
      ifClosedNow: 'failed',
      outstanding: { headcount: 2, area: 200 },
      toPass: { area: 100, headcount: 1 },
      couldFailBy: ['quorum', 'approval_area', 'approval_headcount'],
    },
  },
  {
    // 3 x 300; A, B agree: passes now (1800 >= 1800, 6 >= 6; majority). C against, under 3/4:
    // 600*4 = 2400 < 900*3 = 2700, 2*4 = 8 < 3*3 = 9.
    name: 'raise_fund passing now: open while the last voter could vote it down',
    units: [
      ['u1', 300, 'A'],
      ['u2', 300, 'B'],
      ['u3', 300, 'C'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
    ],
    matter: 'raise_fund',
    expected: {
      allowed: false,
      reason: 'outcome_open',
      ifClosedNow: 'passed',
      outstanding: { headcount: 1, area: 300 },
      toPass: { area: 0, headcount: 0 },
      couldFailBy: ['approval_area', 'approval_headcount'],
    },
  },
  {
    // same ballots under the majority: C against leaves 600*2 = 1200 > 900 and 2*2 = 4 > 3.
    name: 'use_fund with the same ballots: fixed, passed',
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
    expected: { allowed: true, reason: 'outcome_fixed', outcome: 'passed', outstanding: { headcount: 1, area: 300 } },
  },
  {
    // total 1300 / 4. Now: 1200*3 >= 2600, 3*3 >= 8; agree 1100 of 1200, 2 of 3 heads: passes.
    // D against: area 1100*2 > 1300 still, heads 2*2 = 4, not > 4: only the headcount basis can turn.
    name: 'open on the headcount basis alone',
    units: [
      ['u1', 1000, 'A'],
      ['u2', 100, 'B'],
      ['u3', 100, 'C'],
      ['u4', 100, 'D'],
    ],
    ballots: [
      ['A', 'agree'],
      ['B', 'agree'],
      ['C', 'disagree'],
    ],
    matter: 'use_fund',
    expected: {
      allowed: false,
      reason: 'outcome_open',
      ifClosedNow: 'passed',
      outstanding: { headcount: 1, area: 100 },
      toPass: { area: 0, headcount: 0 },
      couldFailBy: ['approval_headcount'],
    },
  },
  {
    // total 1300 / 4; A (1000) against, B, C agree, D out. Even with D agreeing: area 300*2 = 600, not > 1300.
    name: 'one large owner against: failed on area whatever the others do',
    units: [
      ['u1', 1000, 'A'],
      ['u2', 100, 'B'],
      ['u3', 100, 'C'],
      ['u4', 100, 'D'],
    ],
    ballots: [
      ['A', 'disagree'],
      ['B', 'agree'],
      ['C', 'agree'],
    ],
    matter: 'use_fund',
    expected: { allowed: true, reason: 'outcome_fixed', outcome: 'failed', outstanding: { headcount: 1, area: 100 } },
  },
  {
    // P owns u1, u2 (one head, 200); X is outside the electorate and ignored. C out: against gives 300*2 > 400, 2*2 > 3.
    name: 'one owner of two units and a ballot from outside the electorate',
    units: [
      ['u1', 100, 'P'],
      ['u2', 100, 'P'],
      ['u3', 100, 'B'],
      ['u4', 100, 'C'],
    ],
    ballots: [
      ['P', 'agree'],
      ['B', 'agree'],
      ['X', 'disagree'],
    ],
    matter: 'use_fund',
    expected: { allowed: true, reason: 'outcome_fixed', outcome: 'passed', outstanding: { headcount: 1, area: 100 } },
  },
  {
    // nobody has voted: everything is open. total 200 / 2. toPass: quorum area ceil(400 / 3) = 134, heads
    // ceil(4 / 3) = 2; with nobody in, 3/4 holds vacuously (0 >= 0) and adds nothing.
    name: 'nobody has voted: open',
    units: [
      ['u1', 100, 'A'],
      ['u2', 100, 'B'],
    ],
    ballots: [],
    matter: 'rebuild',
    expected: {
      allowed: false,
      reason: 'outcome_open',
      ifClosedNow: 'failed',
      outstanding: { headcount: 2, area: 200 },
      toPass: { area: 134, headcount: 2 },
      couldFailBy: ['quorum', 'approval_area', 'approval_headcount'],
    },
  },
];

describe('canCloseEarly', () => {
  it.each(earlyCases)('$name', ({ units: u, ballots: b, matter, expected }) => {
    expect(canCloseEarly(units(u), ballots(b), matter)).toEqual(expected);
  });

  it('refuses what the tally refuses: no electorate, a unit without area', () => {
    expect(() => canCloseEarly([], [], 'use_fund')).toThrow(VoteInputError);
    expect(() => canCloseEarly(units([['u1', 0, 'A']]), [], 'raise_fund')).toThrow(VoteInputError);
  });
});

// ───────────── brute force: the method against every completion of the vote ─────────────

/** mulberry32: a small deterministic PRNG, so a failure names its seed and reproduces. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

const CHOICES: readonly (VoteChoice | 'absent')[] = ['agree', 'disagree', 'abstain', 'absent'];

function randomVote(seed: number) {
  const next = prng(seed);
  const keyCount = 1 + next(7);
  const keys = Array.from({ length: keyCount }, (_, i) => `k${i}`);
  // small areas put many votes exactly on a bound; large ones test the general case
  const area = next(2) === 0 ? () => 1 + next(3) : () => 1 + next(100_000);
  const u: VoteUnit[] = keys.map((voterKey, i) => ({ unitId: `u${i}`, areaCentiM2: area(), voterKey }));
  for (let extra = next(3); extra > 0; extra--)
    u.push({ unitId: `x${extra}`, areaCentiM2: area(), voterKey: keys[next(keyCount)]! });
  const b: VoteBallot[] = [];
  const outstanding: string[] = [];
  // turnout varies by electorate; agreeing is weighted up so that votes fixed as passed are common too
  const awayOutOf8 = 1 + next(7);
  for (const key of keys) {
    if (next(8) < awayOutOf8) outstanding.push(key);
    else b.push({ voterKey: key, choice: (['agree', 'agree', 'agree', 'disagree', 'abstain'] as const)[next(5)]! });
  }
  if (next(4) === 0) b.push({ voterKey: 'outsider', choice: 'disagree' });
  return { units: u, ballots: b, outstanding };
}

/** Every assignment of {agree, disagree, abstain, absent} to the outstanding voters, and what it does. */
function enumerate(u: VoteUnit[], b: VoteBallot[], outstanding: string[], matter: VoteMatter) {
  const seen = { passed: false, failed: false, quorumFails: false, areaApprovalFails: false, headApprovalFails: false };
  const now = tallyVote(u, b, matter);
  let minPassArea = Infinity;
  let minPassHeads = Infinity;
  const total = CHOICES.length ** outstanding.length;
  for (let code = 0; code < total; code++) {
    const extra: VoteBallot[] = [];
    let c = code;
    for (const voterKey of outstanding) {
      const choice = CHOICES[c % CHOICES.length]!;
      c = Math.floor(c / CHOICES.length);
      if (choice !== 'absent') extra.push({ voterKey, choice });
    }
    const t = tallyVote(u, [...b, ...extra], matter);
    if (t.approved) {
      seen.passed = true;
      minPassArea = Math.min(minPassArea, t.participatingArea - now.participatingArea);
      minPassHeads = Math.min(minPassHeads, t.participatingHeadcount - now.participatingHeadcount);
    } else seen.failed = true;
    if (!t.quorumReached) seen.quorumFails = true;
    else {
      const rule = t.threshold === 'majority' ? (a: number, p: number) => 2 * a > p : (a: number, p: number) => 4 * a >= 3 * p;
      if (!rule(t.agreeArea, t.participatingArea)) seen.areaApprovalFails = true;
      if (!rule(t.agreeHeadcount, t.participatingHeadcount)) seen.headApprovalFails = true;
    }
  }
  return { ...seen, minPassArea, minPassHeads, now };
}

describe('canCloseEarly agrees with an exhaustive enumeration', () => {
  const SEEDS = 2000;
  const counts = { all_voted: 0, fixed_passed: 0, fixed_failed: 0, open: 0, seven_outstanding: 0 };

  it(`on ${SEEDS} random electorates of up to 7 voters, every matter`, () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { units: u, ballots: b, outstanding } = randomVote(seed);
      // the matters differ only by their threshold: enumerate once per threshold
      const byThreshold = {
        majority: enumerate(u, b, outstanding, 'use_fund'),
        three_quarters: enumerate(u, b, outstanding, 'raise_fund'),
      };
      for (const matter of MATTERS) {
        const where = `seed ${seed}, ${matter}`;
        const truth = byThreshold[thresholdFor(matter)];
        if (outstanding.length === 7) counts.seven_outstanding++;
        const decision = canCloseEarly(u, b, matter);
        expect(decision.outstanding, where).toEqual({
          headcount: outstanding.length,
          area: truth.now.totalArea - truth.now.participatingArea,
        });
        if (decision.allowed) {
          // fixed: exactly one outcome is reachable, and it is the one reported
          expect(truth.passed && truth.failed, where).toBe(false);
          expect(decision.outcome, where).toBe(truth.passed ? 'passed' : 'failed');
          expect(decision.reason, where).toBe(outstanding.length === 0 ? 'all_voted' : 'outcome_fixed');
          if (decision.reason === 'all_voted') counts.all_voted++;
          else if (decision.outcome === 'passed') counts.fixed_passed++;
          else counts.fixed_failed++;
        } else {
          counts.open++;
          expect(truth.passed && truth.failed, where).toBe(true);
          expect(decision.ifClosedNow, where).toBe(truth.now.approved ? 'passed' : 'failed');
          // each way of failing is named exactly when some completion fails that way
          expect(decision.couldFailBy.includes('quorum'), where).toBe(truth.quorumFails);
          expect(decision.couldFailBy.includes('approval_area'), where).toBe(truth.areaApprovalFails);
          expect(decision.couldFailBy.includes('approval_headcount'), where).toBe(truth.headApprovalFails);
          // toPass is a lower bound on what any passing completion adds
          expect(decision.toPass.area, where).toBeLessThanOrEqual(truth.minPassArea);
          expect(decision.toPass.headcount, where).toBeLessThanOrEqual(truth.minPassHeads);
        }
      }
    }
    // the sample exercises every answer, many times over
    for (const [what, n] of Object.entries(counts)) expect(n, what).toBeGreaterThan(100);
  });
});

// ───────────────────────────── voting period ─────────────────────────────

describe('checkVotingPeriod', () => {
  const DAY = 86_400_000;
  const opens = new Date('2026-12-01T09:00:00+08:00');
  const after = (ms: number) => new Date(opens.getTime() + ms);

  it.each([
    ['exactly 7 days', after(7 * DAY), undefined, { ok: true, durationMs: 7 * DAY }],
    ['30 days', after(30 * DAY), undefined, { ok: true, durationMs: 30 * DAY }],
    ['7 days less one millisecond', after(7 * DAY - 1), undefined, { ok: false, code: 'too_short', minDays: 7, shortByMs: 1 }],
    ['one minute', after(60_000), undefined, { ok: false, code: 'too_short', minDays: 7, shortByMs: 7 * DAY - 60_000 }],
    ['3 days where the estate allows 3', after(3 * DAY), 3, { ok: true, durationMs: 3 * DAY }],
    ['7 days where the estate asks 14', after(7 * DAY), 14, { ok: false, code: 'too_short', minDays: 14, shortByMs: 7 * DAY }],
    ['closing when it opens', after(0), undefined, { ok: false, code: 'closes_before_opens' }],
    ['closing before it opens', after(-DAY), undefined, { ok: false, code: 'closes_before_opens' }],
    ['an invalid closing date', new Date(Number.NaN), undefined, { ok: false, code: 'invalid_date', field: 'closesAt' }],
  ] as const)('%s', (_name, closes, minDays, expected) => {
    expect(checkVotingPeriod(opens, closes, minDays)).toEqual(expected);
  });

  it('refuses an invalid opening date', () => {
    expect(checkVotingPeriod(new Date('nope'), after(DAY))).toEqual({ ok: false, code: 'invalid_date', field: 'opensAt' });
  });

  it('defaults to 7 days', () => {
    expect(DEFAULT_MIN_VOTING_DAYS).toBe(7);
  });

  it.each([0, -1, 1.5, Number.NaN])('throws on a minimum of %s days', (minDays) => {
    expect(() => checkVotingPeriod(opens, after(30 * DAY), minDays)).toThrow(RangeError);
  });
});

// ───────────────────────────── recorded ballots ─────────────────────────────

describe('recordedBallotMayReplace', () => {
  const at = (hhmm: string) => new Date(`2026-12-03T${hhmm}:00+08:00`);
  const online = (castAt: Date): ExistingBallot => ({ channel: 'online', castAt });
  const paper = (signedAt: Date, castAt = at('20:00')): ExistingBallot => ({ channel: 'paper', signedAt, castAt });
  const incoming = (over: Partial<IncomingRecordedBallot> = {}): IncomingRecordedBallot => ({
    channel: 'paper',
    signedAt: at('12:00'),
    hasEvidence: true,
    ...over,
  });
  const refused = (reason: string): RecordedBallotDecision => ({ allowed: false, reason }) as RecordedBallotDecision;

  it.each<[string, ExistingBallot | null, IncomingRecordedBallot, RecordedBallotDecision]>([
    ['a first paper ballot with its scan', null, incoming(), { allowed: true, replaces: 'nothing' }],
    ['a door-to-door ballot with its photo', null, incoming({ channel: 'door_to_door' }), { allowed: true, replaces: 'nothing' }],
    [
      'a proxy ballot with the written proxy and the agent',
      null,
      incoming({ channel: 'proxy', agentName: '李四' }),
      { allowed: true, replaces: 'nothing' },
    ],
    ['a paper ballot without evidence', null, incoming({ hasEvidence: false }), refused('evidence_required')],
    ['a proxy without the agent’s name', null, incoming({ channel: 'proxy' }), refused('agent_name_required')],
    ['a proxy whose agent is blank', null, incoming({ channel: 'proxy', agentName: '   ' }), refused('agent_name_required')],
    [
      'a proxy whose agent name is 51 characters',
      null,
      incoming({ channel: 'proxy', agentName: '张'.repeat(51) }),
      refused('agent_name_too_long'),
    ],
    [
      'a proxy without evidence (evidence is checked first)',
      null,
      incoming({ channel: 'proxy', hasEvidence: false }),
      refused('evidence_required'),
    ],
    ['an invalid signature date', null, incoming({ signedAt: new Date(Number.NaN) }), refused('signed_at_invalid')],
    ['an online ballot passed as recorded', null, incoming({ channel: 'online' as never }), refused('not_a_recorded_channel')],
    // the owner's own online ballot
    [
      'paper signed before the owner voted online',
      online(at('13:00')),
      incoming({ signedAt: at('12:00') }),
      refused('owner_voted_online_later'),
    ],
    [
      'paper signed at the same instant as the online ballot',
      online(at('12:00')),
      incoming({ signedAt: at('12:00') }),
      refused('owner_voted_online_later'),
    ],
    [
      'paper dated only by the day (00:00) of the online ballot',
      online(at('09:30')),
      incoming({ signedAt: at('00:00') }),
      refused('owner_voted_online_later'),
    ],
    [
      'paper signed one millisecond after the online ballot',
      online(at('12:00')),
      incoming({ signedAt: new Date(at('12:00').getTime() + 1) }),
      { allowed: true, replaces: 'online' },
    ],
    [
      'paper signed after the online ballot but without its scan',
      online(at('09:00')),
      incoming({ hasEvidence: false }),
      refused('evidence_required'),
    ],
    // another recorded ballot
    [
      'a later signed proxy over a paper ballot',
      paper(at('08:00')),
      incoming({ channel: 'proxy', agentName: '王五' }),
      { allowed: true, replaces: 'paper' },
    ],
    ['an earlier signed paper over a later one', paper(at('15:00')), incoming(), refused('recorded_ballot_later')],
    ['a paper signed at the same time as the recorded one', paper(at('12:00')), incoming(), refused('recorded_ballot_later')],
    [
      'an undated legacy ballot, entered before the new paper was signed',
      { channel: 'door_to_door', castAt: at('10:00') },
      incoming(),
      { allowed: true, replaces: 'door_to_door' },
    ],
    [
      'an undated legacy ballot, entered after the new paper was signed',
      { channel: 'door_to_door', castAt: at('14:00') },
      incoming(),
      refused('recorded_ballot_later'),
    ],
  ])('%s', (_name, existing, ballot, expected) => {
    expect(recordedBallotMayReplace(existing, ballot)).toEqual(expected);
  });

  it('refuses a signature dated after now, when now is given', () => {
    expect(recordedBallotMayReplace(null, incoming({ signedAt: at('12:00') }), at('11:59'))).toEqual(refused('signed_in_future'));
    expect(recordedBallotMayReplace(null, incoming({ signedAt: at('12:00') }), at('12:00'))).toEqual({
      allowed: true,
      replaces: 'nothing',
    });
  });

  it.each<[string, ExistingBallot | null]>([
    ['nothing', null],
    ['paper', paper(at('23:00'))],
    ['proxy', { channel: 'proxy', signedAt: at('23:00'), castAt: at('23:30') }],
    ['online', online(at('10:00'))],
  ])('the owner’s own online ballot replaces %s at any time before the close', (replaces, existing) => {
    expect(ownerOnlineBallotMayReplace(existing)).toEqual({ allowed: true, replaces });
  });
});

import { describe, expect, it } from 'vitest';
import { computeMetrics, groupMetrics, isoWeekKey } from '../../src/domain/metrics.ts';
import type { IssueMetrics, MetricIssue, MetricsOptions, Rate } from '../../src/domain/metrics.ts';

const HOUR = 60 * 60_000;
const at = (iso: string): Date => new Date(iso);
const plus = (date: Date, hours: number): Date => new Date(date.getTime() + hours * HOUR);

const NOW = at('2026-11-30T00:00:00Z');
const OPTIONS: MetricsOptions = { basicallySatisfiedWeight: { num: 9, den: 10 } };

/** An ordinary issue (respond in 24 h, resolve in 7 days) filed at `createdAt`, still waiting. */
function issue(fields: Partial<MetricIssue> & { createdAt?: Date } = {}): MetricIssue {
  const createdAt = fields.createdAt ?? at('2026-11-20T00:00:00Z');
  return {
    id: 1,
    state: 'submitted',
    respondBy: plus(createdAt, 24),
    resolveBy: plus(createdAt, 168),
    reopenCount: 0,
    handoffCount: 0,
    estateId: 1,
    categoryId: 1,
    ...fields,
    createdAt,
  };
}

const FILED = at('2026-11-20T00:00:00Z');
const rateOf = (num: number, den: number, percent: number | null): Rate => ({ num, den, percent });

describe('response rate', () => {
  it.each<[string, MetricIssue, Rate]>([
    ['accepted an hour after filing', issue({ state: 'accepted', acceptedAt: plus(FILED, 1) }), rateOf(1, 1, 100)],
    ['accepted exactly at the deadline', issue({ state: 'accepted', acceptedAt: plus(FILED, 24) }), rateOf(1, 1, 100)],
    [
      'accepted a minute late',
      issue({ state: 'accepted', acceptedAt: new Date(plus(FILED, 24).getTime() + 60_000) }),
      rateOf(0, 1, 0),
    ],
    ['never accepted', issue(), rateOf(0, 1, 0)],
    [
      'rejected in time: out of the rate, not counted against it',
      issue({ state: 'rejected', rejectedAt: plus(FILED, 1) }),
      rateOf(0, 0, null),
    ],
    [
      'closed as a duplicate of another: out of the rate',
      issue({ state: 'closed', acceptedAt: plus(FILED, 1), duplicateOfId: 3 }),
      rateOf(0, 0, null),
    ],
  ])('an issue %s', (_name, row, expected) => {
    expect(computeMetrics([row], NOW, OPTIONS).responseRate).toEqual(expected);
  });
});

describe('resolution rate', () => {
  const resolved = (hours: number, reopenCount = 0): MetricIssue =>
    issue({ state: 'closed', acceptedAt: plus(FILED, 1), resolvedAt: plus(FILED, hours), reopenCount });
  it.each<[string, MetricIssue, Rate]>([
    ['resolved in time', resolved(72), rateOf(1, 1, 100)],
    ['resolved exactly at the deadline', resolved(168), rateOf(1, 1, 100)],
    ['resolved late', resolved(169), rateOf(0, 1, 0)],
    ['resolved in time but reopened once', resolved(72, 1), rateOf(0, 1, 0)],
    ['resolved in time but rated dissatisfied', { ...resolved(72), rating: 'dissatisfied' }, rateOf(0, 1, 0)],
    ['resolved in time and rated basically satisfied', { ...resolved(72), rating: 'basically_satisfied' }, rateOf(1, 1, 100)],
    ['resolved late and rated satisfied', { ...resolved(169), rating: 'satisfied' }, rateOf(0, 1, 0)],
    ['closed as a duplicate of another: not a valid issue', { ...resolved(72), duplicateOfId: 7 }, rateOf(0, 0, null)],
    ['in progress past its deadline', issue({ state: 'in_progress', acceptedAt: plus(FILED, 1) }), rateOf(0, 1, 0)],
    [
      'in progress before its deadline: not yet counted',
      issue({ state: 'in_progress', createdAt: at('2026-11-28T00:00:00Z') }),
      rateOf(0, 0, null),
    ],
    [
      'resolved before its deadline has come',
      issue({ state: 'resolved', createdAt: at('2026-11-28T00:00:00Z'), resolvedAt: at('2026-11-29T00:00:00Z') }),
      rateOf(1, 1, 100),
    ],
    ['rejected by a meeting after its deadline', issue({ state: 'rejected', acceptedAt: plus(FILED, 1) }), rateOf(0, 0, null)],
  ])('an issue %s', (_name, row, expected) => {
    expect(computeMetrics([row], NOW, OPTIONS).resolutionRate).toEqual(expected);
  });
});

describe('satisfaction rate', () => {
  const rated = (...ratings: Array<MetricIssue['rating']>): MetricIssue[] =>
    ratings.map((rating, index) => issue({ id: index + 1, state: 'closed', rating }));
  it.each<[string, MetricIssue[], MetricsOptions, Rate]>([
    ['one satisfied', rated('satisfied'), OPTIONS, rateOf(10, 10, 100)],
    ['one basically satisfied counts 0.9', rated('basically_satisfied'), OPTIONS, rateOf(9, 10, 90)],
    ['one dissatisfied', rated('dissatisfied'), OPTIONS, rateOf(0, 10, 0)],
    ['none rated', rated(null, undefined), OPTIONS, rateOf(0, 0, null)],
    [
      '2 satisfied, 1 basically, 1 dissatisfied: 2.9 / 4',
      rated('satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied'),
      OPTIONS,
      rateOf(29, 40, 72.5),
    ],
    ['unrated issues stay out of the denominator', rated('satisfied', null, 'dissatisfied'), OPTIONS, rateOf(10, 20, 50)],
    [
      'a weight of 1 counts basically as satisfied',
      rated('basically_satisfied', 'dissatisfied'),
      { basicallySatisfiedWeight: { num: 1, den: 1 } },
      rateOf(1, 2, 50),
    ],
    [
      'a weight of 2/3 stays exact',
      rated('basically_satisfied', 'basically_satisfied', 'satisfied'),
      { basicallySatisfiedWeight: { num: 2, den: 3 } },
      rateOf(7, 9, 77.8),
    ],
  ])('%s', (_name, rows, options, expected) => {
    expect(computeMetrics(rows, NOW, options).satisfactionRate).toEqual(expected);
  });

  it.each([
    { num: 0.9, den: 1 },
    { num: 11, den: 10 },
    { num: 1, den: 0 },
    { num: -1, den: 10 },
  ])('refuses a weight of $num/$den', (weight) => {
    expect(() => computeMetrics([], NOW, { basicallySatisfiedWeight: weight })).toThrow(RangeError);
  });
});

describe('overdue open issues', () => {
  it.each<[string, MetricIssue, number]>([
    ['accepted, past its resolution deadline', issue({ state: 'accepted', acceptedAt: plus(FILED, 1) }), 1],
    ['awaiting a vote past its resolution deadline', issue({ state: 'awaiting_vote' }), 1],
    ['still submitted past its response deadline only', issue({ createdAt: at('2026-11-28T00:00:00Z') }), 1],
    ['still submitted exactly at its response deadline', issue({ createdAt: at('2026-11-29T00:00:00Z') }), 0],
    [
      'accepted past its response deadline but before resolution',
      issue({ state: 'in_progress', createdAt: at('2026-11-28T00:00:00Z') }),
      0,
    ],
    ['resolved late, waiting for the resident', issue({ state: 'resolved', resolvedAt: plus(FILED, 200) }), 0],
    ['closed', issue({ state: 'closed', resolvedAt: plus(FILED, 200) }), 0],
  ])('an issue %s counts %i', (_name, row, expected) => {
    expect(computeMetrics([row], NOW, OPTIONS).overdueOpen).toBe(expected);
  });
});

/*
 * One period, now = 2026-11-30 00:00 UTC; ordinary issues filed 2026-11-20 00:00 UTC unless said otherwise
 * (respond by 11-21, resolve by 11-27).
 */
const PERIOD: MetricIssue[] = [
  // A: accepted in 30 min, resolved in 3 days, satisfied.
  issue({
    id: 1,
    state: 'closed',
    party: 'property',
    acceptedAt: plus(FILED, 0.5),
    resolvedAt: plus(FILED, 72),
    rating: 'satisfied',
  }),
  // B: accepted in 90 min, resolved in 6 days after a reopen, basically satisfied, handed off twice.
  issue({
    id: 2,
    state: 'closed',
    party: 'property',
    acceptedAt: plus(FILED, 1.5),
    resolvedAt: plus(FILED, 144),
    reopenCount: 1,
    handoffCount: 2,
    rating: 'basically_satisfied',
  }),
  // C: accepted late (2 days), still in progress past its deadline.
  issue({ id: 3, state: 'in_progress', party: 'committee', acceptedAt: plus(FILED, 48) }),
  // D: filed 11-29, not accepted yet; its response deadline is exactly now.
  issue({ id: 4, createdAt: at('2026-11-29T00:00:00Z') }),
  // E: rejected; its hand-offs must not count either.
  issue({ id: 5, state: 'rejected', rejectedAt: plus(FILED, 1), handoffCount: 3 }),
  // F: accepted in 10 min, resolved a day late (8 days), not yet confirmed, handed off once.
  issue({
    id: 6,
    state: 'resolved',
    party: 'community',
    acceptedAt: new Date(FILED.getTime() + 10 * 60_000),
    resolvedAt: plus(FILED, 192),
    handoffCount: 1,
  }),
  // G: never accepted, both deadlines passed.
  issue({ id: 7 }),
  // H: filed 11-28, not accepted past its response deadline.
  issue({ id: 8, createdAt: at('2026-11-28T00:00:00Z') }),
  // I: accepted in 20 h, resolved in 4 days, dissatisfied.
  issue({
    id: 9,
    state: 'closed',
    party: 'property',
    acceptedAt: plus(FILED, 20),
    resolvedAt: plus(FILED, 96),
    rating: 'dissatisfied',
  }),
  // J: closed as a duplicate of A; had it counted, every figure would move.
  issue({
    id: 10,
    state: 'closed',
    acceptedAt: plus(FILED, 0.2),
    resolvedAt: plus(FILED, 1),
    reopenCount: 1,
    handoffCount: 2,
    rating: 'satisfied',
    duplicateOfId: 1,
  }),
];

describe('computeMetrics over a period', () => {
  it('computes every figure by hand-checked counts', () => {
    expect(computeMetrics(PERIOD, NOW, OPTIONS)).toEqual<IssueMetrics>({
      valid: 8, // all but E (rejected) and J (a duplicate)
      open: 4, // C, D, G, H
      resolved: 4, // A, B, F, I
      responseRate: rateOf(4, 8, 50), // A, B, F, I
      // A of A, B, C, F, G, I (D and H are not due); B was reopened, F late, I rated dissatisfied
      resolutionRate: rateOf(1, 6, 16.7),
      satisfactionRate: rateOf(19, 30, 63.3), // (1 + 0.9) / 3
      ratings: { satisfied: 1, basically_satisfied: 1, dissatisfied: 1 },
      medianAcceptMinutes: 90, // 10, 30, [90], 1200, 2880
      medianResolveMinutes: 7200, // 4320, [5760, 8640], 11520
      overdueOpen: 3, // C, G, H
      reopened: 1, // B
      bouncing: 1, // B
    });
  });

  it('gives empty rates and no medians for no issues', () => {
    expect(computeMetrics([], NOW, OPTIONS)).toEqual<IssueMetrics>({
      valid: 0,
      open: 0,
      resolved: 0,
      responseRate: rateOf(0, 0, null),
      resolutionRate: rateOf(0, 0, null),
      satisfactionRate: rateOf(0, 0, null),
      ratings: { satisfied: 0, basically_satisfied: 0, dissatisfied: 0 },
      medianAcceptMinutes: null,
      medianResolveMinutes: null,
      overdueOpen: 0,
      reopened: 0,
      bouncing: 0,
    });
  });
});

describe('groupMetrics', () => {
  const summary = (groups: ReturnType<typeof groupMetrics>) =>
    groups.map(({ key, metrics }) => ({
      key,
      valid: metrics.valid,
      response: metrics.responseRate.percent,
      resolution: metrics.resolutionRate.percent,
      medianResolveMinutes: metrics.medianResolveMinutes,
    }));

  it('breaks a period down per party, ascending, keeping an all-rejected group', () => {
    expect(summary(groupMetrics(PERIOD, NOW, (i) => i.party ?? 'unassigned', OPTIONS))).toEqual([
      { key: 'committee', valid: 1, response: 0, resolution: 0, medianResolveMinutes: null },
      { key: 'community', valid: 1, response: 100, resolution: 0, medianResolveMinutes: 11520 },
      { key: 'property', valid: 3, response: 100, resolution: 33.3, medianResolveMinutes: 5760 },
      { key: 'unassigned', valid: 3, response: 0, resolution: 0, medianResolveMinutes: null },
    ]);
    const onlyRejected = groupMetrics([PERIOD[4]!], NOW, () => 'x', OPTIONS);
    expect(summary(onlyRejected)).toEqual([{ key: 'x', valid: 0, response: null, resolution: null, medianResolveMinutes: null }]);
  });

  it('sorts numeric keys as numbers', () => {
    const rows = [issue({ id: 1, buildingId: 10 }), issue({ id: 2, buildingId: 5 }), issue({ id: 3, buildingId: 10 })];
    expect(groupMetrics(rows, NOW, (i) => i.buildingId ?? 0, OPTIONS).map((g) => [g.key, g.metrics.valid])).toEqual([
      [5, 1],
      [10, 2],
    ]);
  });

  it('breaks a period down per Shanghai week of filing', () => {
    expect(summary(groupMetrics(PERIOD, NOW, (i) => isoWeekKey(i.createdAt), OPTIONS))).toEqual([
      { key: '2026-W47', valid: 6, response: 66.7, resolution: 16.7, medianResolveMinutes: 7200 },
      { key: '2026-W48', valid: 2, response: 0, resolution: null, medianResolveMinutes: null },
    ]);
  });
});

describe('isoWeekKey', () => {
  it.each([
    ['2026-11-20T00:00:00Z', '2026-W47', 'a Friday'],
    ['2026-11-22T15:59:59Z', '2026-W47', 'Sunday 23:59:59 in Shanghai'],
    ['2026-11-22T16:30:00Z', '2026-W48', 'Monday 00:30 in Shanghai, still Sunday in UTC'],
    ['2025-12-31T16:00:00Z', '2026-W01', 'New Year 2026 in Shanghai, a Thursday'],
    ['2025-12-28T16:00:00Z', '2026-W01', 'Monday 2025-12-29 in Shanghai'],
    ['2026-12-31T16:00:00Z', '2026-W53', 'Friday 2027-01-01 in Shanghai'],
    ['2024-12-29T16:00:00Z', '2025-W01', 'Monday 2024-12-30 in Shanghai'],
    ['2021-01-02T16:00:00Z', '2020-W53', 'Sunday 2021-01-03 in Shanghai'],
  ])('%s is in %s (%s)', (iso, expected) => {
    expect(isoWeekKey(at(iso))).toBe(expected);
  });
});

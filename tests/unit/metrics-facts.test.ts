import { describe, expect, it } from 'vitest';
import { addToGroup, issueFacts, metricsOfFacts, metricsOfGroups, type IssueFacts } from '../../src/domain/metrics.ts';
import type { MetricIssue } from '../../src/domain/metrics.ts';

/**
 * An issue's facts (issue #12, the dashboard): what it adds to every figure, worked out once and added up
 * per group. Each case is one issue as of NOW and the facts it must give.
 */

const HOUR = 3_600_000;
const NOW = new Date('2026-11-30T00:00:00Z');
const FILED = new Date('2026-11-20T00:00:00Z');
const plus = (hours: number) => new Date(FILED.getTime() + hours * HOUR);

function issue(fields: Partial<MetricIssue> = {}): MetricIssue {
  return {
    id: 1,
    state: 'submitted',
    createdAt: FILED,
    respondBy: plus(24),
    resolveBy: plus(168),
    reopenCount: 0,
    handoffCount: 0,
    estateId: 1,
    categoryId: 1,
    ...fields,
  };
}

const NOTHING: IssueFacts = {
  valid: true,
  respondedOnTime: false,
  resolutionDue: false,
  solvedOnTime: false,
  open: false,
  resolved: false,
  overdueOpen: false,
  reopened: false,
  bouncing: false,
  rating: null,
  acceptMs: null,
  resolveMs: null,
};

describe('the facts of one issue', () => {
  it.each<[string, MetricIssue, Partial<IssueFacts>]>([
    [
      'submitted and past both deadlines',
      issue({ createdAt: new Date('2026-11-01T00:00:00Z'), respondBy: plus(-400), resolveBy: plus(-200) }),
      { open: true, overdueOpen: true, resolutionDue: true },
    ],
    ['submitted, deadlines ahead', issue({ createdAt: plus(200), respondBy: plus(240), resolveBy: plus(400) }), { open: true }],
    [
      'accepted on time, resolved on time and rated satisfied',
      issue({ state: 'closed', acceptedAt: plus(2), resolvedAt: plus(50), rating: 'satisfied' }),
      {
        respondedOnTime: true,
        resolutionDue: true,
        solvedOnTime: true,
        resolved: true,
        rating: 'satisfied',
        acceptMs: 2 * HOUR,
        resolveMs: 50 * HOUR,
      },
    ],
    [
      'resolved on time but reopened once',
      issue({ state: 'resolved', acceptedAt: plus(30), resolvedAt: plus(60), reopenCount: 1 }),
      { resolutionDue: true, resolved: true, reopened: true, acceptMs: 30 * HOUR, resolveMs: 60 * HOUR },
    ],
    [
      'handed off three times',
      issue({ state: 'accepted', acceptedAt: plus(1), handoffCount: 3 }),
      { open: true, respondedOnTime: true, bouncing: true, acceptMs: HOUR, resolutionDue: true, overdueOpen: true },
    ],
    ['rejected', issue({ state: 'rejected' }), { valid: false, resolutionDue: true }],
    ['a duplicate', issue({ duplicateOfId: 7 }), { valid: false, open: true, overdueOpen: true, resolutionDue: true }],
  ])('%s', (_name, subject, expected) => {
    expect(issueFacts(subject, NOW)).toEqual({ ...NOTHING, ...expected });
  });
});

describe('figures added up from facts', () => {
  const issues = [
    issue({ state: 'closed', acceptedAt: plus(2), resolvedAt: plus(50), rating: 'satisfied', estateId: 1 }),
    issue({ state: 'closed', acceptedAt: plus(3), resolvedAt: plus(70), rating: 'basically_satisfied', estateId: 2 }),
    issue({ state: 'accepted', acceptedAt: plus(40), estateId: 2 }),
    issue({ state: 'rejected', estateId: 3 }),
  ];
  const facts = issues.map((i) => issueFacts(i, NOW));

  it('count valid issues only, with the medians of their times', () => {
    const m = metricsOfFacts(facts);
    expect(m.valid).toBe(3);
    expect(m.responseRate).toEqual({ num: 2, den: 3, percent: 66.7 });
    expect(m.resolutionRate).toEqual({ num: 2, den: 3, percent: 66.7 });
    expect(m.satisfactionRate).toEqual({ num: 19, den: 20, percent: 95 });
    expect(m.medianAcceptMinutes).toBe(3 * 60);
    expect(m.medianResolveMinutes).toBe(60 * 60);
  });

  it('give each group its own figures, ascending by key, a group of rejected issues included', () => {
    const groups = new Map<number, IssueFacts[]>();
    issues.forEach((i, index) => addToGroup(groups, i.estateId, facts[index]!));
    const byEstate = metricsOfGroups(groups);
    expect(byEstate.map((g) => [g.key, g.metrics.valid, g.metrics.open])).toEqual([
      [1, 1, 0],
      [2, 2, 1],
      [3, 0, 0],
    ]);
  });

  it('refuse a weight that is not a fraction in [0, 1]', () => {
    expect(() => metricsOfFacts([], { basicallySatisfiedWeight: { num: 11, den: 10 } })).toThrow(RangeError);
  });
});

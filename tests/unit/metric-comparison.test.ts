import { describe, expect, it } from 'vitest';
import { compareFigure, rankGroups, type Better, type Change } from '../../src/domain/metric-comparison.ts';
import { computeMetrics, type IssueMetrics, type Rate } from '../../src/domain/metrics.ts';

describe('compareFigure', () => {
  it.each<[string, number | null, number | null, Better, Change]>([
    ['a rate that rose', 80, 60, 'higher', { direction: 'up', amount: 20, verdict: 'better' }],
    ['a rate that fell', 60, 80, 'higher', { direction: 'down', amount: 20, verdict: 'worse' }],
    ['a median time that rose', 120, 90, 'lower', { direction: 'up', amount: 30, verdict: 'worse' }],
    ['an overdue count that fell', 2, 5, 'lower', { direction: 'down', amount: 3, verdict: 'better' }],
    ['an unchanged figure', 50, 50, 'higher', { direction: 'same', amount: 0, verdict: 'same' }],
    ['a change in the tenths', 66.7, 50, 'higher', { direction: 'up', amount: 16.7, verdict: 'better' }],
    ['no previous value', 50, null, 'higher', { direction: null, amount: null, verdict: null }],
    ['no current value', null, 50, 'lower', { direction: null, amount: null, verdict: null }],
  ])('%s', (_name, current, previous, better, expected) => {
    expect(compareFigure(current, previous, better)).toEqual(expected);
  });
});

const EMPTY = computeMetrics([], new Date('2026-11-30T00:00:00Z'));
const rate = (percent: number | null): Rate => ({ num: 0, den: percent === null ? 0 : 1, percent });
function metrics(
  valid: number,
  resolution: number | null,
  response: number | null,
  satisfaction: number | null,
  overdueOpen = 0,
): IssueMetrics {
  return {
    ...EMPTY,
    valid,
    resolutionRate: rate(resolution),
    responseRate: rate(response),
    satisfactionRate: rate(satisfaction),
    overdueOpen,
  };
}

describe('rankGroups', () => {
  it.each<[string, { key: string; metrics: IssueMetrics }[], [string, number][]]>([
    [
      'by resolution rate first',
      [
        { key: 'property', metrics: metrics(5, 60, 100, 100) },
        { key: 'committee', metrics: metrics(5, 80, 50, 50) },
      ],
      [
        ['committee', 1],
        ['property', 2],
      ],
    ],
    [
      'then response, then satisfaction, then fewer overdue',
      [
        { key: 'a', metrics: metrics(3, 50, 50, 90, 1) },
        { key: 'b', metrics: metrics(3, 50, 50, 90, 0) },
        { key: 'c', metrics: metrics(3, 50, 50, 95, 4) },
        { key: 'd', metrics: metrics(3, 50, 70, 10, 9) },
      ],
      [
        ['d', 1],
        ['c', 2],
        ['b', 3],
        ['a', 4],
      ],
    ],
    [
      'equal figures share a rank, and no rate comes after any rate',
      [
        { key: 'outside', metrics: metrics(1, null, null, null) },
        { key: 'property', metrics: metrics(2, 0, 0, 0) },
        { key: 'community', metrics: metrics(4, 50, 100, null) },
        { key: 'committee', metrics: metrics(4, 50, 100, null) },
      ],
      [
        ['community', 1],
        ['committee', 1],
        ['property', 3],
        ['outside', 4],
      ],
    ],
    ['leaves out a party with no valid issue', [{ key: 'property', metrics: metrics(0, null, null, null) }], []],
  ])('ranks %s', (_name, groups, expected) => {
    expect(rankGroups(groups).map((g) => [g.key, g.rank])).toEqual(expected);
  });
});

/**
 * How the dashboard compares a figure with the period before and ranks the parties (issue #12). Pure.
 */

import type { IssueMetrics } from './metrics.ts';

/** Whether a rise is good news (rates) or bad news (times, overdue, reopened, bouncing). */
export type Better = 'higher' | 'lower';

export interface Change {
  /** up / down / same; null when either side has no value (nothing to divide by, no issue timed). */
  readonly direction: 'up' | 'down' | 'same' | null;
  /** The size of the change: percentage points for a rate, the unit of the figure otherwise. */
  readonly amount: number | null;
  /** Whether the change is an improvement, a worsening, or neither. */
  readonly verdict: 'better' | 'worse' | 'same' | null;
}

/** The change from `previous` to `current`; rates are compared on their one-decimal percentages. */
export function compareFigure(current: number | null, previous: number | null, better: Better): Change {
  if (current === null || previous === null) return { direction: null, amount: null, verdict: null };
  const amount = Math.round(Math.abs(current - previous) * 10) / 10;
  if (amount === 0) return { direction: 'same', amount: 0, verdict: 'same' };
  const direction = current > previous ? 'up' : 'down';
  const improved = (direction === 'up') === (better === 'higher');
  return { direction, amount, verdict: improved ? 'better' : 'worse' };
}

export interface RankedGroup<K> {
  readonly key: K;
  readonly metrics: IssueMetrics;
  /** 1 for the best; equal figures share a rank (1, 1, 3). */
  readonly rank: number;
}

/** A rate's percentage for ordering: no value sorts after every value. */
const orderable = (percent: number | null) => (percent === null ? -1 : percent);

function compareGroups(a: IssueMetrics, b: IssueMetrics): number {
  return (
    orderable(b.resolutionRate.percent) - orderable(a.resolutionRate.percent) ||
    orderable(b.responseRate.percent) - orderable(a.responseRate.percent) ||
    orderable(b.satisfactionRate.percent) - orderable(a.satisfactionRate.percent) ||
    a.overdueOpen - b.overdueOpen
  );
}

/**
 * The parties ranked by the 三率 and overdue: the resolution rate first (solving is the point), then the
 * response rate, the satisfaction rate, and fewer overdue open issues. Groups without a valid issue are
 * left out: a party with nothing assigned has no performance to rank.
 */
export function rankGroups<K>(groups: readonly { key: K; metrics: IssueMetrics }[]): RankedGroup<K>[] {
  const sorted = groups.filter((g) => g.metrics.valid > 0).sort((a, b) => compareGroups(a.metrics, b.metrics));
  let rank = 0;
  return sorted.map((group, index) => {
    const previous = sorted[index - 1];
    if (previous === undefined || compareGroups(previous.metrics, group.metrics) !== 0) rank = index + 1;
    return { ...group, rank };
  });
}

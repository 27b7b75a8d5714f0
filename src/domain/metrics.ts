/**
 * The 三率 (response, resolution and satisfaction rates) of docs/domain.md and the figures shown beside them,
 * derived from issue rows, never from kept counters.
 *
 * The caller chooses the issues "filed in a period" (by createdAt) and passes `now`, the moment the
 * figures are as of. Every metric is over valid issues only: not rejected, and not closed as a duplicate
 * of another issue (the original is the one that counts; a duplicate was never a separate complaint to
 * respond to or resolve). The specification also counts a
 * timely rejection with reason as a response; since rejected issues leave the denominator too, that
 * clause is read as "a rejection is not a failure to respond": the issue drops out of the response rate
 * instead of counting against it (counting it above the line only would let the rate pass 100%).
 */

import { toShanghaiParts } from './deadlines.ts';
import { OPEN_STATES, RATINGS, isBouncing } from './issue-workflow.ts';
import type { IssueState, Rating } from './issue-workflow.ts';

export interface MetricIssue {
  readonly id: number;
  readonly state: IssueState;
  readonly createdAt: Date;
  /** The first acceptance, by the community or by a joint meeting. */
  readonly acceptedAt?: Date | null;
  /** Not read: rejected issues are recognised by their state and are outside every metric. */
  readonly rejectedAt?: Date | null;
  /** The latest resolution; null if never resolved. */
  readonly resolvedAt?: Date | null;
  readonly respondBy: Date;
  readonly resolveBy: Date;
  readonly reopenCount: number;
  readonly handoffCount: number;
  readonly rating?: Rating | null;
  readonly party?: string | null;
  readonly estateId: number;
  readonly buildingId?: number | null;
  readonly categoryId: number;
  /** Set when staff closed the issue as a duplicate of another: not a valid issue. */
  readonly duplicateOfId?: number | null;
}

/** A ratio of integers, kept as such so figures can be added up or shown as "12 / 15". */
export interface Rate {
  readonly num: number;
  readonly den: number;
  /** Rounded to one decimal place, once, here; null when there is nothing to divide by. */
  readonly percent: number | null;
}

export interface Fraction {
  readonly num: number;
  readonly den: number;
}

export interface MetricsOptions {
  /** What a 基本满意 counts for; a setting, 9/10 by default. */
  readonly basicallySatisfiedWeight: Fraction;
}

export const DEFAULT_METRICS_OPTIONS: MetricsOptions = { basicallySatisfiedWeight: { num: 9, den: 10 } };

export interface IssueMetrics {
  readonly valid: number;
  /** Valid issues still open (submitted … awaiting a vote). */
  readonly open: number;
  /** Valid issues resolved or closed as resolved, on time or not, as they stand now. */
  readonly resolved: number;
  readonly responseRate: Rate;
  readonly resolutionRate: Rate;
  /** num and den are scaled by the weight's denominator so the weighted sum stays an integer. */
  readonly satisfactionRate: Rate;
  readonly ratings: Readonly<Record<Rating, number>>;
  /** From filing, as the resident waits; null when no issue qualifies. */
  readonly medianAcceptMinutes: number | null;
  /** From filing to the latest resolution. */
  readonly medianResolveMinutes: number | null;
  /** Open issues past their resolution deadline, or still not accepted past their response deadline. */
  readonly overdueOpen: number;
  /** Issues reopened at least once (not the number of reopenings). */
  readonly reopened: number;
  readonly bouncing: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

function rate(num: number, den: number): Rate {
  return { num, den, percent: den === 0 ? null : Math.round((num * 1000) / den) / 10 };
}

/** At or before the deadline counts as on time, as in `timeLeft`. */
function onTime(at: Date | null | undefined, deadline: Date): boolean {
  return at != null && at.getTime() <= deadline.getTime();
}

function isPast(deadline: Date, now: Date): boolean {
  return now.getTime() > deadline.getTime();
}

function medianMinutes(durationsMs: readonly number[]): number | null {
  if (durationsMs.length === 0) return null;
  // a typed array sorts numerically without a comparator call per comparison (a city's quarter is 10⁴ of them)
  const sorted = Float64Array.from(durationsMs).sort();
  const middle = Math.floor(sorted.length / 2);
  // Indexes are in range: the array is not empty, and an even length has at least two elements.
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(median / MINUTE_MS);
}

/** Neither rejected nor closed as a duplicate: what every metric counts. */
export function isValidIssue(issue: Pick<MetricIssue, 'state' | 'duplicateOfId'>): boolean {
  return issue.state !== 'rejected' && issue.duplicateOfId == null;
}

/**
 * Counted as solved for the 解决率: resolved on time, never reopened as "not fixed", and not rated
 * dissatisfied, so closing an issue is never rewarded over solving it.
 */
function solvedOnTime(issue: MetricIssue): boolean {
  return onTime(issue.resolvedAt, issue.resolveBy) && issue.reopenCount === 0 && issue.rating !== 'dissatisfied';
}

function isOverdueOpen(issue: MetricIssue, now: Date): boolean {
  if (!OPEN_STATES.includes(issue.state)) return false;
  return isPast(issue.resolveBy, now) || (issue.state === 'submitted' && isPast(issue.respondBy, now));
}

function checkWeight({ num, den }: Fraction): void {
  if (!Number.isInteger(num) || !Number.isInteger(den) || den <= 0 || num < 0 || num > den) {
    throw new RangeError(`basicallySatisfiedWeight must be a fraction of integers in [0, 1], got ${num}/${den}`);
  }
}

/**
 * What one issue adds to every figure, as of `now`: worked out once per issue, then added up for each
 * group it is in (the dashboard puts an issue in six: the period, its party, estate, building, category
 * and week). Only `valid` is meaningful for an issue that is not valid: it counts in nothing.
 */
export interface IssueFacts {
  readonly valid: boolean;
  readonly respondedOnTime: boolean;
  /** Resolved, or past its resolution deadline: in the 解决率's denominator. */
  readonly resolutionDue: boolean;
  readonly solvedOnTime: boolean;
  readonly open: boolean;
  readonly resolved: boolean;
  readonly overdueOpen: boolean;
  readonly reopened: boolean;
  readonly bouncing: boolean;
  readonly rating: Rating | null;
  readonly acceptMs: number | null;
  readonly resolveMs: number | null;
}

export function issueFacts(issue: MetricIssue, now: Date): IssueFacts {
  const open = OPEN_STATES.includes(issue.state);
  return {
    valid: isValidIssue(issue),
    respondedOnTime: onTime(issue.acceptedAt, issue.respondBy),
    // Not-yet-due open issues stay out until they are resolved or their deadline passes.
    resolutionDue: issue.resolvedAt != null || isPast(issue.resolveBy, now),
    solvedOnTime: solvedOnTime(issue),
    open,
    resolved: !open && issue.resolvedAt != null,
    overdueOpen: isOverdueOpen(issue, now),
    reopened: issue.reopenCount > 0,
    bouncing: isBouncing(issue.handoffCount),
    rating: issue.rating ?? null,
    acceptMs: issue.acceptedAt == null ? null : issue.acceptedAt.getTime() - issue.createdAt.getTime(),
    resolveMs: issue.resolvedAt == null ? null : issue.resolvedAt.getTime() - issue.createdAt.getTime(),
  };
}

export function computeMetrics(
  issues: readonly MetricIssue[],
  now: Date,
  options: MetricsOptions = DEFAULT_METRICS_OPTIONS,
): IssueMetrics {
  return metricsOfFacts(
    issues.map((issue) => issueFacts(issue, now)),
    options,
  );
}

/** The figures of issues whose facts (`issueFacts`, as of one moment) are already worked out. */
export function metricsOfFacts(facts: readonly IssueFacts[], options: MetricsOptions = DEFAULT_METRICS_OPTIONS): IssueMetrics {
  const weight = options.basicallySatisfiedWeight;
  checkWeight(weight);

  let valid = 0;
  let responded = 0;
  let resolvedOnTime = 0;
  let resolutionDue = 0;
  let overdueOpen = 0;
  let open = 0;
  let resolved = 0;
  let reopened = 0;
  let bouncing = 0;
  const ratings: Record<Rating, number> = { satisfied: 0, basically_satisfied: 0, dissatisfied: 0 };
  const acceptMs: number[] = [];
  const resolveMs: number[] = [];

  for (const issue of facts) {
    if (!issue.valid) continue;
    valid += 1;
    if (issue.respondedOnTime) responded += 1;
    if (issue.resolutionDue) resolutionDue += 1;
    if (issue.solvedOnTime) resolvedOnTime += 1;
    if (issue.open) open += 1;
    else if (issue.resolved) resolved += 1;
    if (issue.overdueOpen) overdueOpen += 1;
    if (issue.reopened) reopened += 1;
    if (issue.bouncing) bouncing += 1;
    if (issue.rating != null) ratings[issue.rating] += 1;
    if (issue.acceptMs != null) acceptMs.push(issue.acceptMs);
    if (issue.resolveMs != null) resolveMs.push(issue.resolveMs);
  }

  const rated = RATINGS.reduce((sum, rating) => sum + ratings[rating], 0);
  return {
    valid,
    open,
    resolved,
    responseRate: rate(responded, valid),
    resolutionRate: rate(resolvedOnTime, resolutionDue),
    satisfactionRate: rate(ratings.satisfied * weight.den + ratings.basically_satisfied * weight.num, rated * weight.den),
    ratings,
    medianAcceptMinutes: medianMinutes(acceptMs),
    medianResolveMinutes: medianMinutes(resolveMs),
    overdueOpen,
    reopened,
    bouncing,
  };
}

export interface MetricsGroup<K extends string | number> {
  readonly key: K;
  readonly metrics: IssueMetrics;
}

/**
 * Metrics per key (party, estate, building, category, `isoWeekKey` of createdAt...), ascending by key.
 * A group whose issues were all rejected (or duplicates) still appears, with valid 0, so a breakdown lists every group.
 */
export function groupMetrics<K extends string | number>(
  issues: readonly MetricIssue[],
  now: Date,
  key: (issue: MetricIssue) => K,
  options: MetricsOptions = DEFAULT_METRICS_OPTIONS,
): MetricsGroup<K>[] {
  const groups = new Map<K, IssueFacts[]>();
  for (const issue of issues) addToGroup(groups, key(issue), issueFacts(issue, now));
  return metricsOfGroups(groups, options);
}

/** Adds an item to its group (for a caller sorting issues into several groupings in one pass). */
export function addToGroup<K, T>(groups: Map<K, T[]>, key: K, item: T): void {
  const group = groups.get(key);
  if (group === undefined) groups.set(key, [item]);
  else group.push(item);
}

/** The metrics of issues already grouped by key, as their facts: `groupMetrics` without the grouping. */
export function metricsOfGroups<K extends string | number>(
  groups: ReadonlyMap<K, readonly IssueFacts[]>,
  options: MetricsOptions = DEFAULT_METRICS_OPTIONS,
): MetricsGroup<K>[] {
  return [...groups.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => ({ key: k, metrics: metricsOfFacts(groups.get(k) ?? [], options) }));
}

/**
 * "2026-W48": the ISO 8601 week of the Shanghai calendar date, so an issue filed on Monday 00:30 in
 * Shanghai (Sunday in UTC) lands in the new week. Keys sort chronologically as text.
 */
export function isoWeekKey(date: Date): string {
  const { year, month, day } = toShanghaiParts(date);
  // Calendar arithmetic on that date, done in UTC where every day has 24 hours.
  const civil = Date.UTC(year, month - 1, day);
  const weekday = new Date(civil).getUTCDay() || 7; // Monday 1 ... Sunday 7
  // A week belongs to the year that holds its Thursday.
  const thursday = new Date(civil + (4 - weekday) * DAY_MS);
  const weekYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / DAY_MS / 7) + 1;
  return `${weekYear}-W${String(week).padStart(2, '0')}`;
}

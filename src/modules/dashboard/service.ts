import type { Actor } from '../../actor.ts';
import { fromSqlTime, type Sql } from '../../plugins/sql.ts';
import {
  addToGroup,
  issueFacts,
  metricsOfFacts,
  metricsOfGroups,
  type IssueFacts,
  type IssueMetrics,
  type MetricIssue,
} from '../../domain/metrics.ts';
import { dashboardPeriod, mondayOf, shanghaiDay, span, type DaySpan, type PeriodKey } from '../../domain/dashboard-periods.ts';
import type { IssueState, Rating } from '../../domain/issue-workflow.ts';
import { NotFound } from '../../errors.ts';
import { issuesForMetrics, type MetricsScope } from '../issues/index.ts';
import type { DashboardPlacesLoader } from './places-cache.ts';

/** Bouncing issues listed by name (the most handed-off first); the figures count every one of them. */
export const BOUNCING_LISTED = 50;

/**
 * Whose figures an actor sees: community staff their community, property and committee the estates they
 * serve (a committee member of one estate sees that estate only), an administrator the city.
 */
export function metricsScopeOf(actor: Actor): MetricsScope {
  switch (actor.role) {
    case 'admin':
      return 'all';
    case 'community':
      return actor.communityId === null ? { estateIds: [] } : { communityId: actor.communityId };
    case 'property':
    case 'committee':
      return { estateIds: actor.estateIds };
    default:
      throw new NotFound();
  }
}

type Row = Awaited<ReturnType<typeof issuesForMetrics>>[number];

function toMetricIssue(r: Row): MetricIssue {
  const date = (value: string | null) => (value === null ? null : fromSqlTime(value));
  return {
    id: r.id,
    state: r.state as IssueState,
    createdAt: fromSqlTime(r.createdAt),
    acceptedAt: date(r.acceptedAt),
    resolvedAt: date(r.resolvedAt),
    respondBy: fromSqlTime(r.respondBy),
    resolveBy: fromSqlTime(r.resolveBy),
    reopenCount: r.reopenCount,
    handoffCount: r.handoffCount,
    rating: (r.rating as Rating | null) ?? null,
    party: r.assignedParty,
    estateId: r.estateId,
    buildingId: r.buildingId,
    categoryId: r.categoryId,
    duplicateOfId: r.duplicateOfId,
  };
}

/**
 * The dashboard's figures for a period in the actor's scope: the headline figures of the period and of the
 * one before, the same per party, estate, building, category and week, the weekly trend, and the bouncing
 * issues. The issues are one statement whatever the period: one index range on the filing time from the
 * trend's first Monday (never after the previous period starts) to the period's last day (issues'
 * metrics-reads.ts), read once and sorted into every grouping in one pass; the weight setting and the
 * grid's buildings come from `placesFor` (kept a minute, places-cache.ts); everything else is computed by
 * the pure metrics module.
 */
export async function dashboard(sql: Sql, placesFor: DashboardPlacesLoader, actor: Actor, key: PeriodKey, now: Date) {
  const scope = metricsScopeOf(actor);
  const period = dashboardPeriod(key, now);
  const [rows, places] = await Promise.all([
    issuesForMetrics(sql, scope, period.trendStart.start, period.current.end),
    placesFor(actor),
  ]);
  const { options, buildings } = places;

  const currentStart = period.current.start.getTime();
  const currentEnd = period.current.end.getTime();
  const previousStart = period.previous.start.getTime();
  const previousEnd = period.previous.end.getTime();
  // each issue's part in every figure is worked out once (`issueFacts`), then added up per group
  const issues: IssueFacts[] = [];
  const previousIssues: IssueFacts[] = [];
  const byParty = new Map<string, IssueFacts[]>();
  const byEstate = new Map<number, IssueFacts[]>();
  const byBuilding = new Map<number, IssueFacts[]>();
  const byCategory = new Map<number, IssueFacts[]>();
  const byMonday = new Map<number, IssueFacts[]>();
  const estateNames = new Map<number, string>();
  const buildingNames = new Map<number, { name: string; estateId: number }>();
  const categoryNames = new Map<number, { nameZh: string; nameEn: string }>();
  // the grid's open issues per building, and for an administrator its buildings: those with issues in the period
  const openByBuilding = new Map<number, number>();
  const buildingsWithIssues = new Set<number>();
  const bouncingRows: Row[] = [];
  for (const row of rows) {
    const issue = toMetricIssue(row);
    const facts = issueFacts(issue, now);
    const filedAt = issue.createdAt.getTime();
    addToGroup(byMonday, mondayOf(shanghaiDay(issue.createdAt)), facts);
    if (filedAt >= previousStart && filedAt <= previousEnd) previousIssues.push(facts);
    if (filedAt < currentStart || filedAt > currentEnd) continue;
    issues.push(facts);
    const buildingId = row.buildingId ?? 0;
    addToGroup(byParty, row.assignedParty ?? '', facts);
    addToGroup(byEstate, row.estateId, facts);
    addToGroup(byBuilding, buildingId, facts);
    addToGroup(byCategory, row.categoryId, facts);
    estateNames.set(row.estateId, row.estateName);
    buildingNames.set(buildingId, { name: row.buildingName ?? '', estateId: row.estateId });
    categoryNames.set(row.categoryId, { nameZh: row.categoryNameZh, nameEn: row.categoryNameEn });
    if (buildingId !== 0) buildingsWithIssues.add(buildingId);
    if (facts.valid && facts.open && buildingId !== 0) openByBuilding.set(buildingId, (openByBuilding.get(buildingId) ?? 0) + 1);
    if (facts.valid && facts.bouncing) bouncingRows.push(row);
  }
  for (const b of buildings) {
    buildingNames.set(b.id, { name: b.name, estateId: b.estateId });
    estateNames.set(b.estateId, b.estate.name);
  }

  const buildingLabel = (id: number) => {
    const building = buildingNames.get(id);
    return id === 0 || !building ? '' : `${estateNames.get(building.estateId) ?? ''} ${building.name}`;
  };
  // the trend: every week from its first Monday, empty weeks included, by the week the issues were filed in
  const weekMetrics = new Map(metricsOfGroups(byMonday, options).map((g) => [g.key, g.metrics]));
  const byWeek: { monday: string; span: DaySpan; metrics: IssueMetrics }[] = [];
  let noIssues: IssueMetrics | undefined;
  for (let monday = shanghaiDay(period.trendStart.start); monday <= shanghaiDay(period.current.end); monday += 7) {
    const week = span(monday, monday + 6);
    const metrics = weekMetrics.get(monday) ?? (noIssues ??= metricsOfFacts([], options));
    byWeek.push({ monday: week.from, span: week, metrics });
  }
  const gridBuildings =
    buildings.length > 0
      ? buildings.map((b) => ({ id: b.id, name: b.name, estateId: b.estateId }))
      : [...buildingsWithIssues].map((id) => ({
          id,
          name: buildingNames.get(id)?.name ?? '',
          estateId: buildingNames.get(id)?.estateId ?? 0,
        }));

  const bouncing = bouncingRows
    .map((r) => ({
      id: r.id,
      title: r.title,
      state: r.state,
      handoffCount: r.handoffCount,
      assignedParty: r.assignedParty,
      estate: r.estateName,
    }))
    .sort((a, b) => b.handoffCount - a.handoffCount || a.id - b.id)
    .slice(0, BOUNCING_LISTED);
  return {
    period,
    totals: metricsOfFacts(issues, options),
    previousTotals: metricsOfFacts(previousIssues, options),
    byParty: metricsOfGroups(byParty, options),
    byEstate: metricsOfGroups(byEstate, options).map((g) => ({ ...g, label: estateNames.get(g.key) ?? '' })),
    byBuilding: metricsOfGroups(byBuilding, options).map((g) => ({ ...g, label: buildingLabel(g.key) })),
    byCategory: metricsOfGroups(byCategory, options).map((g) => ({ ...g, category: categoryNames.get(g.key) ?? null })),
    byWeek,
    grid: gridBuildings.map((b) => ({ ...b, estate: estateNames.get(b.estateId) ?? '', open: openByBuilding.get(b.id) ?? 0 })),
    bouncing,
    bouncingTotal: bouncingRows.length,
    weight: options.basicallySatisfiedWeight,
  };
}

export type DashboardData = Awaited<ReturnType<typeof dashboard>>;

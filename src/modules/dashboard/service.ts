import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { fromSqlTime, type Sql } from '../../plugins/sql.ts';
import {
  DEFAULT_METRICS_OPTIONS,
  computeMetrics,
  groupMetrics,
  isValidIssue,
  type MetricIssue,
  type MetricsOptions,
} from '../../domain/metrics.ts';
import { dashboardPeriod, mondayOf, shanghaiDay, span, type DaySpan, type PeriodKey } from '../../domain/dashboard-periods.ts';
import { OPEN_STATES, isBouncing, type IssueState, type Rating } from '../../domain/issue-workflow.ts';
import { NotFound } from '../../errors.ts';
import { issuesForMetrics, type MetricsScope } from '../issues/index.ts';
import { buildingsWithEstateName, settingValue } from '../places/index.ts';

/** Setting key of the weight of 基本满意 in the satisfaction rate, as "num/den" (default 9/10). */
const WEIGHT_SETTING = 'metrics.basicallySatisfiedWeight';

function parseWeight(value: string | null): MetricsOptions {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(value ?? '');
  if (!m) return DEFAULT_METRICS_OPTIONS;
  const num = Number(m[1]);
  const den = Number(m[2]);
  if (den <= 0 || num > den) return DEFAULT_METRICS_OPTIONS;
  return { basicallySatisfiedWeight: { num, den } };
}

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

const within = (span: DaySpan) => (issue: MetricIssue) =>
  issue.createdAt.getTime() >= span.start.getTime() && issue.createdAt.getTime() <= span.end.getTime();

/**
 * The dashboard's figures for a period in the actor's scope: the headline figures of the period and of the
 * one before, the same per party, estate, building, category and week, the weekly trend, and the bouncing
 * issues. Three or four statements whatever the period (the issues, the weight setting, and for a scoped
 * actor the buildings of their estates, for the grid): the issues are one index range on the filing time
 * from the trend's first Monday (never after the previous period starts) to the period's last day
 * (issues' metrics-reads.ts); everything else is computed by the pure metrics module.
 */
export async function dashboard(db: DbTx, sql: Sql, actor: Actor, key: PeriodKey, now: Date) {
  const scope = metricsScopeOf(actor);
  const period = dashboardPeriod(key, now);
  const [rows, weightSetting, buildings] = await Promise.all([
    issuesForMetrics(sql, scope, period.trendStart.start, period.current.end),
    settingValue(db, WEIGHT_SETTING),
    // an administrator's grid is the buildings with issues in the period (the city's every building is not a grid)
    scope === 'all' || actor.estateIds.length === 0 ? Promise.resolve([]) : buildingsWithEstateName(db, actor.estateIds),
  ]);
  const options = parseWeight(weightSetting);
  const all = rows.map(toMetricIssue);
  const issues = all.filter(within(period.current));
  const previousIssues = all.filter(within(period.previous));
  const currentRows = rows.filter((_, index) => within(period.current)(all[index]!));

  const names = {
    estate: new Map(rows.map((r) => [r.estateId, r.estateName])),
    building: new Map(rows.map((r) => [r.buildingId ?? 0, { name: r.buildingName ?? '', estateId: r.estateId }])),
    category: new Map(rows.map((r) => [r.categoryId, { nameZh: r.categoryNameZh, nameEn: r.categoryNameEn }])),
  };
  for (const b of buildings) {
    names.building.set(b.id, { name: b.name, estateId: b.estateId });
    names.estate.set(b.estateId, b.estate.name);
  }
  const totals = computeMetrics(issues, now, options);
  const previousTotals = computeMetrics(previousIssues, now, options);
  const byParty = groupMetrics(issues, now, (i) => i.party ?? '', options);
  const byEstate = groupMetrics(issues, now, (i) => i.estateId, options).map((g) => ({
    ...g,
    label: names.estate.get(g.key) ?? '',
  }));
  const byBuilding = groupMetrics(issues, now, (i) => i.buildingId ?? 0, options).map((g) => {
    const building = names.building.get(g.key);
    return { ...g, label: g.key === 0 || !building ? '' : `${names.estate.get(building.estateId) ?? ''} ${building.name}` };
  });
  const byCategory = groupMetrics(issues, now, (i) => i.categoryId, options).map((g) => ({
    ...g,
    category: names.category.get(g.key) ?? null,
  }));
  // the trend: every week from its first Monday, empty weeks included, by the week the issues were filed in
  const byMonday = new Map(groupMetrics(all, now, (i) => mondayOf(shanghaiDay(i.createdAt)), options).map((g) => [g.key, g]));
  const byWeek: { monday: string; span: DaySpan; metrics: ReturnType<typeof computeMetrics> }[] = [];
  for (let monday = shanghaiDay(period.trendStart.start); monday <= shanghaiDay(period.current.end); monday += 7) {
    const week = span(monday, monday + 6);
    byWeek.push({ monday: week.from, span: week, metrics: byMonday.get(monday)?.metrics ?? computeMetrics([], now, options) });
  }
  // the grid: each building of the scope with the open issues filed in the period, by estate
  const openByBuilding = new Map<number, number>();
  for (const issue of issues) {
    if (issue.buildingId == null || !isValidIssue(issue) || !OPEN_STATES.includes(issue.state)) continue;
    openByBuilding.set(issue.buildingId, (openByBuilding.get(issue.buildingId) ?? 0) + 1);
  }
  const gridBuildings =
    buildings.length > 0
      ? buildings.map((b) => ({ id: b.id, name: b.name, estateId: b.estateId }))
      : [...new Set(issues.map((i) => i.buildingId ?? 0))]
          .filter((id) => id !== 0)
          .map((id) => ({ id, name: names.building.get(id)?.name ?? '', estateId: names.building.get(id)?.estateId ?? 0 }));

  const bouncingRows = currentRows.filter((r) => isBouncing(r.handoffCount) && isValidIssue(toMetricIssue(r)));
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
    totals,
    previousTotals,
    byParty,
    byEstate,
    byBuilding,
    byCategory,
    byWeek,
    grid: gridBuildings.map((b) => ({ ...b, estate: names.estate.get(b.estateId) ?? '', open: openByBuilding.get(b.id) ?? 0 })),
    bouncing,
    bouncingTotal: bouncingRows.length,
    weight: options.basicallySatisfiedWeight,
  };
}

export type DashboardData = Awaited<ReturnType<typeof dashboard>>;

import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import {
  DEFAULT_METRICS_OPTIONS,
  computeMetrics,
  groupMetrics,
  isoWeekKey,
  type MetricIssue,
  type MetricsOptions,
} from '../../domain/metrics.ts';
import { isBouncing, type IssueState, type Rating } from '../../domain/issue-workflow.ts';
import { NotFound } from '../../errors.ts';
import { issuesForMetrics } from '../issues/index.ts';
import { settingValue } from '../places/index.ts';

export const PERIODS = [7, 30, 90] as const;
type Period = (typeof PERIODS)[number];
const DAY_MS = 24 * 60 * 60 * 1000;

/** Setting key of the weight of 基本满意 in the satisfaction rate, as "num/den" (default 9/10). */
const WEIGHT_SETTING = 'metrics.basicallySatisfiedWeight';

export function parsePeriod(value: string | undefined): Period {
  const n = Number(value);
  return (PERIODS as readonly number[]).includes(n) ? (n as Period) : 30;
}

function parseWeight(value: string | null): MetricsOptions {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(value ?? '');
  if (!m) return DEFAULT_METRICS_OPTIONS;
  const num = Number(m[1]);
  const den = Number(m[2]);
  if (den <= 0 || num > den) return DEFAULT_METRICS_OPTIONS;
  return { basicallySatisfiedWeight: { num, den } };
}

/**
 * The community's dashboard over issues filed in the last `days` days: the 三率 with their fractions,
 * medians, overdue/reopened/bouncing figures, the bouncing issues, and the same per party, estate,
 * building, category and week. One query for the issues (with the names the tables need) and one for
 * the setting; everything else is computed by the pure metrics module.
 */
export async function dashboard(db: DbTx, actor: Actor, days: Period, now: Date) {
  if (actor.role !== 'community' && actor.role !== 'admin') throw new NotFound();
  const since = new Date(now.getTime() - days * DAY_MS);
  const [rows, weightSetting] = await Promise.all([
    issuesForMetrics(db, actor.role === 'admin' ? null : actor.estateIds, since, now),
    settingValue(db, WEIGHT_SETTING),
  ]);
  const options = parseWeight(weightSetting);
  const issues: MetricIssue[] = rows.map((r) => ({
    id: r.id,
    state: r.state as IssueState,
    createdAt: r.createdAt,
    acceptedAt: r.acceptedAt,
    rejectedAt: r.rejectedAt,
    resolvedAt: r.resolvedAt,
    respondBy: r.respondBy,
    resolveBy: r.resolveBy,
    reopenCount: r.reopenCount,
    handoffCount: r.handoffCount,
    rating: (r.rating as Rating | null) ?? null,
    party: r.assignedParty,
    estateId: r.estateId,
    buildingId: r.buildingId,
    categoryId: r.categoryId,
  }));
  const names = {
    estate: new Map(rows.map((r) => [r.estateId, r.estate.name])),
    building: new Map(rows.map((r) => [r.buildingId ?? 0, r.building ? `${r.estate.name} ${r.building.name}` : ''])),
    category: new Map(rows.map((r) => [r.categoryId, r.category])),
  };
  const totals = computeMetrics(issues, now, options);
  const byParty = groupMetrics(issues, now, (i) => i.party ?? '', options);
  const byEstate = groupMetrics(issues, now, (i) => i.estateId, options).map((g) => ({
    ...g,
    label: names.estate.get(g.key) ?? '',
  }));
  const byBuilding = groupMetrics(issues, now, (i) => i.buildingId ?? 0, options).map((g) => ({
    ...g,
    label: names.building.get(g.key) ?? '',
  }));
  const byCategory = groupMetrics(issues, now, (i) => i.categoryId, options).map((g) => ({
    ...g,
    category: names.category.get(g.key) ?? null,
  }));
  const byWeek = groupMetrics(issues, now, (i) => isoWeekKey(i.createdAt), options);
  const bouncing = rows
    .filter((r) => isBouncing(r.handoffCount))
    .map((r) => ({
      id: r.id,
      title: r.title,
      state: r.state,
      handoffCount: r.handoffCount,
      assignedParty: r.assignedParty,
      estate: r.estate.name,
    }))
    .sort((a, b) => b.handoffCount - a.handoffCount || a.id - b.id);
  return {
    days,
    since,
    totals,
    byParty,
    byEstate,
    byBuilding,
    byCategory,
    byWeek,
    bouncing,
    weight: options.basicallySatisfiedWeight,
  };
}

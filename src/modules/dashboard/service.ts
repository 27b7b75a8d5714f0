import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { fromSqlTime, type Sql } from '../../plugins/sql.ts';
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

/** Bouncing issues listed by name (the most handed-off first); the figures count every one of them. */
export const BOUNCING_LISTED = 50;

/**
 * `isoWeekKey` once per Shanghai calendar day rather than once per issue: the week of a day does not
 * change, and the key is worked out through Intl, the costliest step per issue.
 */
function weekKeys() {
  const byDay = new Map<number, string>();
  return (at: Date) => {
    const day = Math.floor((at.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS);
    let key = byDay.get(day);
    if (key === undefined) byDay.set(day, (key = isoWeekKey(at)));
    return key;
  };
}
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000; // Asia/Shanghai has kept UTC+8, without summer time, since 1991

/**
 * The community's dashboard over issues filed in the last `days` days: the 三率 with their fractions,
 * medians, overdue/reopened/bouncing figures, the bouncing issues, and the same per party, estate,
 * building, category and week. One statement for the issues of the period with the names the tables
 * need (issues' metrics-reads.ts: why rows, and why that stays flat as the history grows) and one for
 * the setting; everything else is computed by the pure metrics module.
 */
export async function dashboard(db: DbTx, sql: Sql, actor: Actor, days: Period, now: Date) {
  if (actor.role !== 'community' && actor.role !== 'admin') throw new NotFound();
  const since = new Date(now.getTime() - days * DAY_MS);
  // Community staff see their community (every estate of it, as their estate scope says); an admin, all.
  const community = actor.role === 'admin' ? null : actor.communityId;
  const [rows, weightSetting] = await Promise.all([
    community === null && actor.role !== 'admin' ? Promise.resolve([]) : issuesForMetrics(sql, community, since, now),
    settingValue(db, WEIGHT_SETTING),
  ]);
  const options = parseWeight(weightSetting);
  const date = (value: string | null) => (value === null ? null : fromSqlTime(value));
  const issues: MetricIssue[] = rows.map((r) => ({
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
  }));
  const names = {
    estate: new Map(rows.map((r) => [r.estateId, r.estateName])),
    building: new Map(rows.map((r) => [r.buildingId ?? 0, r.buildingName ? `${r.estateName} ${r.buildingName}` : ''])),
    category: new Map(rows.map((r) => [r.categoryId, { nameZh: r.categoryNameZh, nameEn: r.categoryNameEn }])),
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
  const weekOf = weekKeys();
  const byWeek = groupMetrics(issues, now, (i) => weekOf(i.createdAt), options);
  const bouncingRows = rows.filter((r) => isBouncing(r.handoffCount));
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
    days,
    since,
    totals,
    byParty,
    byEstate,
    byBuilding,
    byCategory,
    byWeek,
    bouncing,
    bouncingTotal: bouncingRows.length,
    weight: options.basicallySatisfiedWeight,
  };
}

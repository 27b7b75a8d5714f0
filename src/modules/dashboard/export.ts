import type { Locale, Translate } from '../../i18n/index.ts';
import type { IssueMetrics } from '../../domain/metrics.ts';
import type { CsvValue } from '../../lib/csv.ts';
import type { DashboardData } from './service.ts';

/**
 * The dashboard's metrics table as a spreadsheet for the monthly report (issue #12, exports): one row for
 * the period, one for the period before, then one per party, estate, building, category and week, each
 * with the same figures as the page. Rates are given as the percentage and as the counts behind it, so a
 * report can add groups up; times are in minutes.
 */

const COLUMNS = [
  'dimension',
  'group',
  'from',
  'to',
  'valid',
  'responseRate',
  'respondedOnTime',
  'resolutionRate',
  'resolvedOnTime',
  'resolutionDue',
  'satisfactionRate',
  'rated',
  'satisfied',
  'basicallySatisfied',
  'dissatisfied',
  'medianAcceptMinutes',
  'medianResolveMinutes',
  'open',
  'overdueOpen',
  'reopened',
  'bouncing',
] as const;

export function metricsExportHeader(t: Translate): string[] {
  return COLUMNS.map((column) => t(`dashboard.export.column.${column}`));
}

function metricCells(m: IssueMetrics): CsvValue[] {
  return [
    m.valid,
    m.responseRate.percent,
    m.responseRate.num,
    m.resolutionRate.percent,
    m.resolutionRate.num,
    m.resolutionRate.den,
    m.satisfactionRate.percent,
    m.ratings.satisfied + m.ratings.basically_satisfied + m.ratings.dissatisfied,
    m.ratings.satisfied,
    m.ratings.basically_satisfied,
    m.ratings.dissatisfied,
    m.medianAcceptMinutes,
    m.medianResolveMinutes,
    m.open,
    m.overdueOpen,
    m.reopened,
    m.bouncing,
  ];
}

/** The rows, one dimension a batch, for `csvStream`. */
export async function* metricsExportBatches(data: DashboardData, t: Translate, locale: Locale): AsyncGenerator<CsvValue[][]> {
  const { current, previous } = data.period;
  const row = (dimension: string, group: string, m: IssueMetrics, span = current): CsvValue[] => [
    t(`dashboard.export.dimension.${dimension}`),
    group,
    span.from,
    span.to,
    ...metricCells(m),
  ];
  yield [
    row('total', t('dashboard.export.thisPeriod'), data.totals),
    row('total', t('dashboard.export.previousPeriod'), data.previousTotals, previous),
  ];
  yield data.byParty.map((g) => row('party', g.key ? t(`party.${g.key}`) : t('dashboard.unassigned'), g.metrics));
  yield data.byEstate.map((g) => row('estate', g.label, g.metrics));
  yield data.byBuilding.map((g) => row('building', g.key ? g.label : t('dashboard.estateWide'), g.metrics));
  yield data.byCategory.map((g) =>
    row('category', g.category ? (locale === 'zh-CN' ? g.category.nameZh : g.category.nameEn) : '', g.metrics),
  );
  yield data.byWeek.map((w) => row('week', w.span.from, w.metrics, w.span));
}

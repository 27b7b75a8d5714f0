import { compareFigure, rankGroups, type Better, type Change } from '../../domain/metric-comparison.ts';
import type { IssueMetrics, Rate } from '../../domain/metrics.ts';
import type { DaySpan } from '../../domain/dashboard-periods.ts';
import type { Locale, Translate } from '../../i18n/index.ts';
import { queueHref, type QueueFilter } from './links.ts';
import type { DashboardData } from './service.ts';

/**
 * The headline figures as the page shows them: this period's value, the previous period's beside it,
 * the change between them (with whether it is an improvement), and the queue behind each.
 */
export const HEADLINE_KEYS = [
  'responseRate',
  'resolutionRate',
  'satisfactionRate',
  'medianAccept',
  'medianResolve',
  'overdueOpen',
  'reopened',
  'bouncing',
] as const;
export type HeadlineKey = (typeof HEADLINE_KEYS)[number];

interface FigureSpec {
  kind: 'rate' | 'minutes' | 'count';
  better: Better;
  value: (m: IssueMetrics) => number | null;
  rate?: (m: IssueMetrics) => Rate;
  queue: QueueFilter;
}

const SPECS: Record<HeadlineKey, FigureSpec> = {
  responseRate: { kind: 'rate', better: 'higher', value: (m) => m.responseRate.percent, rate: (m) => m.responseRate, queue: {} },
  resolutionRate: {
    kind: 'rate',
    better: 'higher',
    value: (m) => m.resolutionRate.percent,
    rate: (m) => m.resolutionRate,
    queue: {},
  },
  satisfactionRate: {
    kind: 'rate',
    better: 'higher',
    value: (m) => m.satisfactionRate.percent,
    rate: (m) => m.satisfactionRate,
    queue: {},
  },
  medianAccept: { kind: 'minutes', better: 'lower', value: (m) => m.medianAcceptMinutes, queue: {} },
  medianResolve: { kind: 'minutes', better: 'lower', value: (m) => m.medianResolveMinutes, queue: {} },
  overdueOpen: { kind: 'count', better: 'lower', value: (m) => m.overdueOpen, queue: { view: 'open', overdue: true } },
  reopened: { kind: 'count', better: 'lower', value: (m) => m.reopened, queue: { flag: 'reopened' } },
  bouncing: { kind: 'count', better: 'lower', value: (m) => m.bouncing, queue: { flag: 'bouncing' } },
};

export interface Figure {
  key: HeadlineKey;
  kind: FigureSpec['kind'];
  value: number | null;
  previous: number | null;
  rate: Rate | null;
  previousRate: Rate | null;
  change: Change;
  href: string;
  previousHref: string;
}

function figure(key: HeadlineKey, current: IssueMetrics, previous: IssueMetrics, spans: { current: DaySpan; previous: DaySpan }) {
  const spec = SPECS[key];
  const value = spec.value(current);
  const before = spec.value(previous);
  return {
    key,
    kind: spec.kind,
    value,
    previous: before,
    rate: spec.rate?.(current) ?? null,
    previousRate: spec.rate?.(previous) ?? null,
    change: compareFigure(value, before, spec.better),
    href: queueHref(spans.current, spec.queue),
    previousHref: queueHref(spans.previous, spec.queue),
  } satisfies Figure;
}

/** A rate as the tables show it: "87.5%", or "—" when there is nothing to divide by. */
const percentText = (r: Rate) => (r.percent === null ? '—' : `${r.percent}%`);

/**
 * One row of a detail table (views/dashboard/_tables.njk `metricsTable`), its label and figures made
 * here once: the tables have a row per building, category and week, and a template macro or translation
 * call per cell cost more than the rest of the page.
 */
function tableRow(label: string, href: string | null, m: IssueMetrics) {
  return {
    label,
    href,
    valid: m.valid,
    responseRate: percentText(m.responseRate),
    resolutionRate: percentText(m.resolutionRate),
    satisfactionRate: percentText(m.satisfactionRate),
    overdueOpen: m.overdueOpen,
    reopened: m.reopened,
    bouncing: m.bouncing,
  };
}

/** The page's view of the data: headline figures, the ranking of parties, and the rows of every table. */
export function dashboardFigures(data: DashboardData, t: Translate, locale: Locale) {
  const { current, previous } = data.period;
  const headline = HEADLINE_KEYS.map((key) => figure(key, data.totals, data.previousTotals, { current, previous }));
  const ranking = rankGroups(data.byParty.filter((g) => g.key !== '')).map((g) => ({
    ...g,
    href: queueHref(current, { party: g.key }),
    overdueHref: queueHref(current, { party: g.key, view: 'open', overdue: true }),
  }));
  return {
    headline,
    ranking,
    allHref: queueHref(current),
    dissatisfiedHref: queueHref(current, { flag: 'dissatisfied' }),
    detailTables: {
      byParty: data.byParty.map((g) =>
        tableRow(
          g.key ? t(`party.${g.key}`) : t('dashboard.unassigned'),
          g.key === '' ? null : queueHref(current, { party: g.key }),
          g.metrics,
        ),
      ),
      byEstate: data.byEstate.map((g) => tableRow(g.label, queueHref(current, { estate: g.key }), g.metrics)),
      byBuilding: data.byBuilding.map((g) =>
        tableRow(
          g.key ? g.label : t('dashboard.estateWide'),
          g.key === 0 ? null : queueHref(current, { building: g.key }),
          g.metrics,
        ),
      ),
      byCategory: data.byCategory.map((g) =>
        tableRow(
          g.category ? (locale === 'zh-CN' ? g.category.nameZh : g.category.nameEn) : '',
          queueHref(current, { category: g.key }),
          g.metrics,
        ),
      ),
      byWeek: data.byWeek.map((w) => tableRow(w.monday, queueHref(w.span), w.metrics)),
    },
  };
}

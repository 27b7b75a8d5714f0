import { OPEN_BUCKETS, barChart, gridLayout, lineChart } from '../../domain/chart-geometry.ts';
import type { Locale } from '../../i18n/index.ts';
import { queueHref } from './links.ts';
import type { DashboardData } from './service.ts';

/** How many estates' building grids are drawn (an administrator's city has hundreds); the most open first. */
export const GRID_ESTATES_SHOWN = 30;
/** How many of them are unfolded at first: the rest stay one line each on a phone. */
export const GRID_ESTATES_OPEN = 3;

/** `localeCompare`'s order, its collator made once: made per comparison it cost more than the charts' geometry. */
const byLabel = new Intl.Collator();

/** A building's name as its grid cell has room for: five characters, then "…". */
function shortName(name: string): string {
  return name.length <= 5 ? name : `${name.slice(0, 5)}…`;
}

/**
 * The three charts' models: the geometry (src/domain/chart-geometry.ts) of the figures, with the labels in
 * the reader's language and each bar's or cell's queue link for the table beside it.
 */
export function dashboardCharts(data: DashboardData, locale: Locale) {
  const { current } = data.period;
  const weeks = data.byWeek.map((w) => ({
    label: w.monday.slice(5),
    from: w.span.from,
    to: w.span.to,
    filed: w.metrics.valid,
    resolved: w.metrics.resolved,
    href: queueHref(w.span),
  }));
  const trend = {
    weeks,
    chart: lineChart(
      weeks.map((w) => w.label),
      [weeks.map((w) => w.filed), weeks.map((w) => w.resolved)],
    ),
  };

  const categoryItems = data.byCategory
    .filter((g) => g.metrics.valid > 0)
    .map((g) => ({
      label: g.category ? (locale === 'zh-CN' ? g.category.nameZh : g.category.nameEn) : '',
      value: g.metrics.valid,
      open: g.metrics.open,
      href: queueHref(current, { category: g.key }),
    }))
    .sort((a, b) => b.value - a.value || byLabel.compare(a.label, b.label));
  const categoryChart = barChart(categoryItems);
  const categories = {
    items: categoryItems,
    chart: { ...categoryChart, bars: categoryChart.bars.map((bar, index) => ({ ...bar, href: categoryItems[index]!.href })) },
  };

  const estates = new Map<number, { estateId: number; label: string; open: number; items: typeof data.grid }>();
  for (const building of data.grid) {
    const estate = estates.get(building.estateId) ?? { estateId: building.estateId, label: building.estate, open: 0, items: [] };
    estate.items.push(building);
    estate.open += building.open;
    estates.set(building.estateId, estate);
  }
  const sortedEstates = [...estates.values()].sort((a, b) => b.open - a.open || byLabel.compare(a.label, b.label));
  const grids = sortedEstates.slice(0, GRID_ESTATES_SHOWN).map((estate, index) => {
    const cells = estate.items.map((b) => ({
      ...b,
      count: b.open,
      href: queueHref(current, { view: 'open', building: b.id }),
    }));
    const layout = gridLayout([{ label: '', items: cells }]);
    return {
      ...estate,
      buildings: cells,
      unfolded: index < GRID_ESTATES_OPEN,
      // each cell's colours and its name cut to five characters, made here rather than per cell in the template
      layout: {
        ...layout,
        cells: layout.cells.map((cell) => ({ ...cell, ...OPEN_BUCKETS[cell.bucket]!, shortName: shortName(cell.item.name) })),
      },
    };
  });
  return {
    trend,
    categories,
    grids,
    gridEstatesTotal: sortedEstates.length,
    buckets: OPEN_BUCKETS.map((bucket, index) => ({ ...bucket, max: OPEN_BUCKETS[index + 1]?.min ?? null })),
  };
}

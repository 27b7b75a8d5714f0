/**
 * The geometry of the dashboard's server-rendered SVG charts (issue #12): scales, tick values, bar and
 * point positions, the grid's cells and its colour buckets. Pure numbers in, numbers out; the templates
 * (views/dashboard/_charts.njk) only draw what this returns.
 *
 * Every chart is drawn in a 320-unit-wide viewBox and scaled to its box, so on a 375 px phone (about 300
 * px inside a card) one unit is about one pixel and the 13-unit labels stay readable; on a desktop the
 * chart's CSS caps its width.
 */

export const CHART_WIDTH = 320;
/** Label size in viewBox units: about 13 px on a phone. */
export const FONT_SIZE = 14;

/** Rounds to one decimal place so the SVG stays short and diff-stable. */
const r1 = (value: number) => Math.round(value * 10) / 10;

/**
 * "Nice" tick values for a count axis from 0: a step of 1, 2 or 5 × 10ⁿ giving at most `maxTicks`
 * intervals, and a top tick at or above `max`. Counts are whole, so the step is at least 1.
 */
export function niceTicks(max: number, maxTicks = 4): { top: number; step: number; ticks: number[] } {
  const target = Math.max(max, 1) / Math.max(maxTicks, 1);
  const magnitude = 10 ** Math.floor(Math.log10(target));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= target) ?? 10 * magnitude);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let value = 0; value <= top; value += step) ticks.push(value);
  return { top, step, ticks };
}

/** A linear map of [0, domainMax] onto [rangeStart, rangeEnd] (either direction). */
export function linearScale(domainMax: number, rangeStart: number, rangeEnd: number): (value: number) => number {
  const span = domainMax > 0 ? domainMax : 1;
  return (value) => r1(rangeStart + ((rangeEnd - rangeStart) * value) / span);
}

export interface BarInput {
  readonly label: string;
  readonly value: number;
}

export interface Bar extends BarInput {
  readonly y: number;
  readonly width: number;
  /** The bar's height and where its label's baseline and its value sit. */
  readonly height: number;
  readonly labelY: number;
  readonly valueX: number;
}

export interface BarChart {
  readonly width: number;
  readonly height: number;
  readonly barX: number;
  readonly bars: Bar[];
  readonly ticks: { value: number; x: number }[];
}

/**
 * Horizontal bars, one per row, each with its label above it (long Chinese category names need the
 * whole width on a phone) and its value after it. The scale leaves room for the value's digits.
 */
export function barChart(items: readonly BarInput[], options: { width?: number; barHeight?: number } = {}): BarChart {
  const width = options.width ?? CHART_WIDTH;
  const barHeight = options.barHeight ?? 14;
  const rowHeight = FONT_SIZE + 6 + barHeight + 10;
  const barX = 0;
  const valueRoom = 40;
  const { top, ticks } = niceTicks(Math.max(0, ...items.map((i) => i.value)));
  const x = linearScale(top, barX, width - valueRoom);
  const bars = items.map((item, index) => {
    const rowTop = index * rowHeight;
    const barWidth = x(item.value) - barX;
    return {
      ...item,
      labelY: rowTop + FONT_SIZE,
      y: rowTop + FONT_SIZE + 6,
      height: barHeight,
      width: barWidth,
      valueX: r1(barX + barWidth + 4),
    };
  });
  return {
    width,
    height: Math.max(rowHeight, items.length * rowHeight),
    barX,
    bars,
    ticks: ticks.map((value) => ({ value, x: x(value) })),
  };
}

export interface SeriesPoint {
  readonly x: number;
  readonly y: number;
  readonly value: number;
}

export interface LineChart {
  readonly width: number;
  readonly height: number;
  readonly plot: { left: number; right: number; top: number; bottom: number };
  readonly yTicks: { value: number; y: number }[];
  /** One per category on the x axis; `labelled` thins the labels so they never overlap. */
  readonly xLabels: { label: string; x: number; labelled: boolean }[];
  readonly series: { points: SeriesPoint[]; path: string }[];
}

/**
 * A line chart of several series over the same categories (weeks): y from 0 to a nice top, x evenly
 * spaced. Labels are thinned to every n-th so that each has `minLabelGap` units.
 */
export function lineChart(
  labels: readonly string[],
  series: readonly (readonly number[])[],
  options: { width?: number; height?: number; minLabelGap?: number } = {},
): LineChart {
  const width = options.width ?? CHART_WIDTH;
  const height = options.height ?? 200;
  // room on the right for half of the last week's label, centred on its point
  const plot = { left: 30, right: width - 20, top: 10, bottom: height - 28 };
  const max = Math.max(0, ...series.flat());
  const { top, ticks } = niceTicks(max);
  const y = linearScale(top, plot.bottom, plot.top);
  const stepX = labels.length > 1 ? (plot.right - plot.left) / (labels.length - 1) : 0;
  const xAt = (index: number) => r1(labels.length > 1 ? plot.left + index * stepX : (plot.left + plot.right) / 2);
  const every = stepX > 0 ? Math.max(1, Math.ceil((options.minLabelGap ?? 44) / stepX)) : 1;
  const lastIndex = labels.length - 1;
  return {
    width,
    height,
    plot,
    yTicks: ticks.map((value) => ({ value, y: y(value) })),
    // the newest week is always labelled; the others every n-th counting back from it
    xLabels: labels.map((label, index) => ({ label, x: xAt(index), labelled: (lastIndex - index) % every === 0 })),
    series: series.map((values) => {
      const points = values.map((value, index) => ({ x: xAt(index), y: y(value), value }));
      return { points, path: points.map((p, index) => `${index === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' ') };
    }),
  };
}

/**
 * The building grid's colour buckets by open issues: none, 1–2, 3–5, 6 or more. Each fill is paired with
 * a text colour of at least 4.5:1 contrast on it (WCAG AA), and the count is always written in the cell,
 * so the colour is never the only carrier of the figure.
 */
export const OPEN_BUCKETS = [
  { min: 0, fill: '#e3f1e6', text: '#1b4d2b' },
  { min: 1, fill: '#fff1c2', text: '#5c4300' },
  { min: 3, fill: '#f9c58d', text: '#5a2a00' },
  { min: 6, fill: '#b3261e', text: '#ffffff' },
] as const;

/** The index of the bucket a count falls in (negative counts are treated as none). */
export function bucketOf(count: number): number {
  let index = 0;
  OPEN_BUCKETS.forEach((bucket, i) => {
    if (count >= bucket.min) index = i;
  });
  return index;
}

export interface GridCell<T> {
  readonly item: T;
  readonly x: number;
  readonly y: number;
  readonly bucket: number;
}

/**
 * Cells of `cellWidth` × `cellHeight` left to right, `columns` to a row (as many as fit the width), with a
 * heading row before each group that has a label (an estate's buildings under its name).
 */
export function gridLayout<T extends { count: number }>(
  groups: readonly { label: string; items: readonly T[] }[],
  options: { width?: number; cellWidth?: number; cellHeight?: number; gap?: number } = {},
): {
  width: number;
  height: number;
  headings: { label: string; y: number }[];
  cells: GridCell<T>[];
  cellWidth: number;
  cellHeight: number;
} {
  const width = options.width ?? CHART_WIDTH;
  const gap = options.gap ?? 4;
  const minCell = options.cellWidth ?? 72;
  const cellHeight = options.cellHeight ?? 48;
  const columns = Math.max(1, Math.floor((width + gap) / (minCell + gap)));
  const cellWidth = r1((width - gap * (columns - 1)) / columns);
  const headingHeight = FONT_SIZE + 8;
  const headings: { label: string; y: number }[] = [];
  const cells: GridCell<T>[] = [];
  let y = 0;
  for (const group of groups) {
    if (group.label !== '') {
      headings.push({ label: group.label, y: y + FONT_SIZE });
      y += headingHeight;
    }
    group.items.forEach((item, index) => {
      const column = index % columns;
      const row = Math.floor(index / columns);
      cells.push({ item, x: r1(column * (cellWidth + gap)), y: y + row * (cellHeight + gap), bucket: bucketOf(item.count) });
    });
    y += Math.ceil(group.items.length / columns) * (cellHeight + gap);
  }
  return { width, height: Math.max(y - gap, 1), headings, cells, cellWidth, cellHeight };
}

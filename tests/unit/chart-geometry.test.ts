import { describe, expect, it } from 'vitest';
import {
  OPEN_BUCKETS,
  barChart,
  bucketOf,
  gridLayout,
  lineChart,
  linearScale,
  niceTicks,
} from '../../src/domain/chart-geometry.ts';

describe('niceTicks', () => {
  it.each<[number, number, number[]]>([
    [0, 1, [0, 1]],
    [1, 1, [0, 1]],
    [3, 1, [0, 1, 2, 3]],
    [4, 1, [0, 1, 2, 3, 4]],
    [7, 2, [0, 2, 4, 6, 8]],
    [10, 5, [0, 5, 10]],
    [23, 10, [0, 10, 20, 30]],
    [100, 50, [0, 50, 100]],
    [101, 50, [0, 50, 100, 150]],
    [1999, 500, [0, 500, 1000, 1500, 2000]],
  ])('a maximum of %i steps by %i: %j', (max, step, ticks) => {
    const result = niceTicks(max);
    expect(result.step).toBe(step);
    expect(result.ticks).toEqual(ticks);
    expect(result.top).toBe(ticks.at(-1));
    expect(result.top).toBeGreaterThanOrEqual(max);
  });
});

describe('linearScale', () => {
  it.each<[number, number, number, number, number]>([
    [10, 0, 100, 5, 50],
    [10, 200, 0, 2.5, 150],
    [3, 0, 100, 1, 33.3],
    [0, 0, 100, 0, 0], // an empty domain maps 0 to the start, not NaN
  ])('maps [0, %i] onto [%i, %i]: %i → %i', (max, from, to, value, expected) => {
    expect(linearScale(max, from, to)(value)).toBe(expected);
  });
});

describe('barChart', () => {
  it('lays out one row per item, labels above bars, widths in proportion to a nice top', () => {
    const chart = barChart([
      { label: '屋面漏水', value: 10 },
      { label: '电梯', value: 5 },
      { label: '其他', value: 0 },
    ]);
    expect(chart.width).toBe(320);
    expect(chart.bars.map((b) => [b.labelY, b.y, b.width, b.valueX])).toEqual([
      [14, 20, 280, 284],
      [58, 64, 140, 144],
      [102, 108, 0, 4],
    ]);
    expect(chart.height).toBe(132);
    expect(chart.ticks.map((t) => [t.value, t.x])).toEqual([
      [0, 0],
      [5, 140],
      [10, 280],
    ]);
  });

  it('keeps a height for an empty chart', () => {
    expect(barChart([]).height).toBeGreaterThan(0);
  });
});

describe('lineChart', () => {
  it('places points evenly from left to right, scaled to a nice top', () => {
    const chart = lineChart(
      ['11-02', '11-09', '11-16'],
      [
        [0, 5, 10],
        [0, 2, 4],
      ],
    );
    expect(chart.plot).toEqual({ left: 30, right: 300, top: 10, bottom: 172 });
    expect(chart.series[0]!.points.map((p) => [p.x, p.y, p.value])).toEqual([
      [30, 172, 0],
      [165, 91, 5],
      [300, 10, 10],
    ]);
    expect(chart.series[0]!.path).toBe('M30 172 L165 91 L300 10');
    expect(chart.series[1]!.points.map((p) => p.y)).toEqual([172, 139.6, 107.2]);
    expect(chart.yTicks.map((t) => t.value)).toEqual([0, 5, 10]);
    expect(chart.xLabels.every((l) => l.labelled)).toBe(true);
  });

  it.each<[number, number[]]>([
    [12, [1, 3, 5, 7, 9, 11]], // 24.5 units apart: every other, counting back from the newest
    [21, [0, 4, 8, 12, 16, 20]], // 13.5 apart: every fourth
    [1, [0]],
  ])('labels %i weeks without overlapping: %j', (count, labelled) => {
    const chart = lineChart(
      Array.from({ length: count }, (_, i) => `w${i}`),
      [Array.from({ length: count }, () => 1)],
    );
    expect(chart.xLabels.flatMap((l, i) => (l.labelled ? [i] : []))).toEqual(labelled);
  });

  it('puts a single week in the middle', () => {
    expect(lineChart(['11-16'], [[3]]).series[0]!.points[0]!.x).toBe(165);
  });
});

describe('the building grid', () => {
  it.each<[number, number]>([
    [-1, 0],
    [0, 0],
    [1, 1],
    [2, 1],
    [3, 2],
    [5, 2],
    [6, 3],
    [40, 3],
  ])('puts %i open issues in bucket %i', (count, bucket) => {
    expect(bucketOf(count)).toBe(bucket);
  });

  /** WCAG 2 relative luminance and contrast ratio. */
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const contrast = (a: string, b: string) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
  };

  it.each(OPEN_BUCKETS.map((b) => [b.min, b.fill, b.text] as const))(
    'writes the count of bucket %i legibly (4.5:1 or more)',
    (_min, fill, text) => {
      expect(contrast(fill, text)).toBeGreaterThanOrEqual(4.5);
    },
  );

  it('fills rows of as many cells as fit, under each group’s heading', () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ count: i }));
    const plain = gridLayout([{ label: '', items: items(5) }]);
    expect(plain.cellWidth).toBe(77); // four to a row of 320 units with 4-unit gaps
    expect(plain.cells.map((c) => [c.x, c.y, c.bucket])).toEqual([
      [0, 0, 0],
      [81, 0, 1],
      [162, 0, 1],
      [243, 0, 2],
      [0, 52, 2],
    ]);
    expect(plain.headings).toEqual([]);
    expect(plain.height).toBe(100);
    const grouped = gridLayout([
      { label: '甲小区', items: items(1) },
      { label: '乙小区', items: items(2) },
    ]);
    expect(grouped.headings).toEqual([
      { label: '甲小区', y: 14 },
      { label: '乙小区', y: 88 },
    ]);
    expect(grouped.cells.map((c) => [c.x, c.y])).toEqual([
      [0, 22],
      [0, 96],
      [81, 96],
    ]);
  });
});

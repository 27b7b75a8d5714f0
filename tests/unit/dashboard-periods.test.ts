import { describe, expect, it } from 'vitest';
import { dashboardPeriod, weeksOf, type PeriodKey } from '../../src/domain/dashboard-periods.ts';

/** [from, to] of a span, as the queue's date filter takes them. */
const days = (span: { from: string; to: string }) => [span.from, span.to];

describe('dashboardPeriod', () => {
  it.each<[string, PeriodKey, string, string[], string[], boolean]>([
    // Friday 2026-11-20 10:00 in Shanghai
    ['a Friday morning', 'week', '2026-11-20T02:00:00Z', ['2026-11-16', '2026-11-20'], ['2026-11-09', '2026-11-13'], true],
    ['a Friday morning', '30d', '2026-11-20T02:00:00Z', ['2026-10-22', '2026-11-20'], ['2026-09-22', '2026-10-21'], true],
    ['a Friday morning', 'month', '2026-11-20T02:00:00Z', ['2026-11-01', '2026-11-20'], ['2026-10-01', '2026-10-20'], true],
    ['a Friday morning', 'last-month', '2026-11-20T02:00:00Z', ['2026-10-01', '2026-10-31'], ['2026-09-01', '2026-09-30'], false],
    // 50 days into the quarter against the first 50 days of the last
    ['a Friday morning', 'quarter', '2026-11-20T02:00:00Z', ['2026-10-01', '2026-11-20'], ['2026-07-01', '2026-08-20'], true],
    // Sunday 23:59 in Shanghai is still the week; Monday 00:00 (Sunday in UTC) starts the next
    [
      'Sunday 23:59 in Shanghai',
      'week',
      '2026-11-22T15:59:00Z',
      ['2026-11-16', '2026-11-22'],
      ['2026-11-09', '2026-11-15'],
      true,
    ],
    [
      'Monday 00:00 in Shanghai',
      'week',
      '2026-11-22T16:00:00Z',
      ['2026-11-23', '2026-11-23'],
      ['2026-11-16', '2026-11-16'],
      true,
    ],
    // 00:30 on 12-01 in Shanghai is still 11-30 in UTC: the month is December's
    [
      'the first half-hour of December',
      'month',
      '2026-11-30T16:30:00Z',
      ['2026-12-01', '2026-12-01'],
      ['2026-11-01', '2026-11-01'],
      true,
    ],
    [
      'the first half-hour of December',
      'last-month',
      '2026-11-30T16:30:00Z',
      ['2026-11-01', '2026-11-30'],
      ['2026-10-01', '2026-10-31'],
      false,
    ],
    // the 31st against a month of 28 days: the whole of February, no more
    ['the 31st of March', 'month', '2026-03-31T04:00:00Z', ['2026-03-01', '2026-03-31'], ['2026-02-01', '2026-02-28'], true],
    ['mid-January', 'last-month', '2027-01-15T04:00:00Z', ['2026-12-01', '2026-12-31'], ['2026-11-01', '2026-11-30'], false],
    ['mid-January', 'quarter', '2027-01-15T04:00:00Z', ['2027-01-01', '2027-01-15'], ['2026-10-01', '2026-10-15'], true],
    ['mid-January', '30d', '2027-01-15T04:00:00Z', ['2026-12-17', '2027-01-15'], ['2026-11-17', '2026-12-16'], true],
  ])('on %s, %s is %j against %j', (_when, key, now, current, previous, running) => {
    const period = dashboardPeriod(key, new Date(now));
    expect(days(period.current)).toEqual(current);
    expect(days(period.previous)).toEqual(previous);
    expect(period.running).toBe(running);
  });

  it('bounds each span by Shanghai midnights, the last millisecond of its last day included', () => {
    const { current, previous } = dashboardPeriod('week', new Date('2026-11-20T02:00:00Z'));
    expect(current.start.toISOString()).toBe('2026-11-15T16:00:00.000Z');
    expect(current.end.toISOString()).toBe('2026-11-20T15:59:59.999Z');
    expect(current.days).toBe(5);
    expect(previous.start.toISOString()).toBe('2026-11-08T16:00:00.000Z');
    expect(previous.days).toBe(5);
  });

  it.each<[PeriodKey, string, number]>([
    ['week', '2026-09-28', 8], // at least eight weeks
    ['30d', '2026-09-21', 9], // from the Monday of the previous period's first day
    ['quarter', '2026-06-29', 21],
  ])('starts the %s trend on a Monday (%s), %i weeks to the period’s end', (key, monday, weeks) => {
    const period = dashboardPeriod(key, new Date('2026-11-20T02:00:00Z'));
    expect(period.trendStart.from).toBe(monday);
    expect(period.trendStart.start.getTime()).toBeLessThanOrEqual(period.previous.start.getTime());
    const list = weeksOf(period.trendStart);
    expect(list).toHaveLength(weeks);
    expect(list.at(-1)).toMatchObject({ from: '2026-11-16', to: '2026-11-22' });
    expect(list.every((w) => w.days === 7)).toBe(true);
  });
});

/**
 * The dashboard's periods, in Shanghai calendar days (issue #12).
 *
 * Every period is a range of whole Shanghai dates, first and last day included, so the figures are over
 * exactly the issues the queue shows for `from=…&to=…` (the queue filters by Shanghai filing date): a
 * figure and the list behind it never disagree by the hours of a day. A period that is still running
 * (this week, this month, this quarter, the last 30 days) is compared with the same number of days at
 * the start of the period before it ("so far this month" against "the same days last month"), so a
 * count of issues is not compared with a whole month of them; a finished month with the whole month before.
 */

export const PERIOD_KEYS = ['week', '30d', 'month', 'last-month', 'quarter'] as const;
export type PeriodKey = (typeof PERIOD_KEYS)[number];
export const DEFAULT_PERIOD: PeriodKey = '30d';

/** Whole Shanghai days, first and last included; `start` and `end` bound the filing times (end inclusive). */
export interface DaySpan {
  /** YYYY-MM-DD */
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly start: Date;
  readonly end: Date;
}

export interface DashboardPeriod {
  readonly key: PeriodKey;
  readonly current: DaySpan;
  readonly previous: DaySpan;
  /** Whether `current` runs to today (and `previous` is then the same days of the period before). */
  readonly running: boolean;
  /** The Monday the weekly trend starts on: at least eight weeks, and never after `previous` starts. */
  readonly trendStart: DaySpan;
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000; // UTC+8, no summer time since 1991
/** How many weeks the trend shows at the least, so a short period still has a trend. */
export const TREND_MIN_WEEKS = 8;

/** Days since 1970-01-01 of a moment's Shanghai calendar date. */
export function shanghaiDay(at: Date): number {
  return Math.floor((at.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** 00:00 in Shanghai of a day number. */
export function dayStart(day: number): Date {
  return new Date(day * DAY_MS - SHANGHAI_OFFSET_MS);
}

/** "2026-11-30" */
export function dayText(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday on or before a day (ISO weeks start on Monday). */
export function mondayOf(day: number): number {
  const weekday = (new Date(day * DAY_MS).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return day - weekday;
}

function civil(day: number) {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth(), date: d.getUTCDate() };
}

/** The day number of a calendar date; months past 11 or below 0 roll into the next or previous year. */
function dayOfDate(year: number, month: number, date: number): number {
  return Math.floor(Date.UTC(year, month, date) / DAY_MS);
}

export function span(firstDay: number, lastDay: number): DaySpan {
  return {
    from: dayText(firstDay),
    to: dayText(lastDay),
    days: lastDay - firstDay + 1,
    start: dayStart(firstDay),
    end: new Date(dayStart(lastDay + 1).getTime() - 1),
  };
}

/** A running period from `first` to today, and the same number of days from `previousFirst`, within its period. */
function running(first: number, today: number, previousFirst: number, previousLast: number) {
  const elapsed = today - first;
  return {
    current: span(first, today),
    previous: span(previousFirst, Math.min(previousFirst + elapsed, previousLast)),
    running: true,
  };
}

function spans(key: PeriodKey, today: number): Pick<DashboardPeriod, 'current' | 'previous' | 'running'> {
  const { year, month } = civil(today);
  switch (key) {
    case 'week': {
      const monday = mondayOf(today);
      return running(monday, today, monday - 7, monday - 1);
    }
    case '30d':
      return running(today - 29, today, today - 59, today - 30);
    case 'month': {
      const first = dayOfDate(year, month, 1);
      return running(first, today, dayOfDate(year, month - 1, 1), first - 1);
    }
    case 'last-month': {
      const first = dayOfDate(year, month - 1, 1);
      const previousFirst = dayOfDate(year, month - 2, 1);
      return { current: span(first, dayOfDate(year, month, 1) - 1), previous: span(previousFirst, first - 1), running: false };
    }
    case 'quarter': {
      const quarterMonth = month - (month % 3);
      const first = dayOfDate(year, quarterMonth, 1);
      return running(first, today, dayOfDate(year, quarterMonth - 3, 1), first - 1);
    }
  }
}

/** The period `key` as of `now`, its comparison and the weeks of its trend. */
export function dashboardPeriod(key: PeriodKey, now: Date): DashboardPeriod {
  const today = shanghaiDay(now);
  const { current, previous, running: isRunning } = spans(key, today);
  const lastDay = shanghaiDay(current.end);
  const firstMonday = Math.min(mondayOf(shanghaiDay(previous.start)), mondayOf(lastDay) - (TREND_MIN_WEEKS - 1) * 7);
  return { key, current, previous, running: isRunning, trendStart: span(firstMonday, lastDay) };
}

/** The Mondays from `span`'s first day (a Monday) to the week holding its last, each with its Sunday. */
export function weeksOf(trend: DaySpan): DaySpan[] {
  const first = shanghaiDay(trend.start);
  const last = shanghaiDay(trend.end);
  const weeks: DaySpan[] = [];
  for (let monday = mondayOf(first); monday <= last; monday += 7) weeks.push(span(monday, monday + 6));
  return weeks;
}

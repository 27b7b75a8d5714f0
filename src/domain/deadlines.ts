/**
 * Deadlines of issues and the Asia/Shanghai clock they are shown on.
 *
 * Times are stored in UTC and shown in Asia/Shanghai. Deadlines count calendar hours, not working hours,
 * as the 12345 hotline does; China has had no daylight-saving time since 1991, so adding hours in UTC
 * lands on the same wall-clock offset.
 */

export interface CategoryDeadlines {
  readonly responseHours: number;
  readonly resolveHours: number;
}

export interface DueDates {
  readonly respondBy: Date;
  readonly resolveBy: Date;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const MINUTES_PER_DAY = 24 * 60;

/** Both deadlines run from the same moment (filing), so a slow acceptance eats into the resolution time. */
export function dueDates(category: CategoryDeadlines, from: Date): DueDates {
  return {
    respondBy: new Date(from.getTime() + category.responseHours * HOUR_MS),
    resolveBy: new Date(from.getTime() + category.resolveHours * HOUR_MS),
  };
}

export interface TimeLeft {
  /** Past the due moment; exactly at it still counts as on time. */
  readonly overdue: boolean;
  /** Whole minutes to go, or past due when overdue; truncated so the time left is never overstated. */
  readonly minutes: number;
}

export function timeLeft(due: Date, now: Date): TimeLeft {
  const diff = due.getTime() - now.getTime();
  return { overdue: diff < 0, minutes: Math.floor(Math.abs(diff) / MINUTE_MS) };
}

export type Locale = 'zh-CN' | 'en';

const DURATION_UNITS: Readonly<Record<Locale, { day: string; hour: string; minute: string; gap: string }>> = {
  'zh-CN': { day: '天', hour: '小时', minute: '分钟', gap: '' },
  en: { day: ' d', hour: ' h', minute: ' min', gap: ' ' },
};

/**
 * The two largest units, truncated: "2天3小时", "3小时5分钟", "45分钟" ("2 d 3 h", "3 h 5 min", "45 min").
 * A zero second unit is left out ("2天"). The sign is ignored: whether it is time left or overdue is said
 * around it, with `timeLeft(...).overdue`.
 */
export function formatDuration(minutes: number, locale: Locale): string {
  const units = DURATION_UNITS[locale];
  const total = Math.floor(Math.abs(minutes));
  const days = Math.floor(total / MINUTES_PER_DAY);
  const hours = Math.floor(total / 60) % 24;
  const mins = total % 60;
  const withMinor = (major: string, value: number, unit: string): string =>
    value > 0 ? `${major}${units.gap}${value}${unit}` : major;
  if (days > 0) return withMinor(`${days}${units.day}`, hours, units.hour);
  if (hours > 0) return withMinor(`${hours}${units.hour}`, mins, units.minute);
  return `${mins}${units.minute}`;
}

export interface DefaultCategory extends CategoryDeadlines {
  readonly code: string;
  /** The party a new issue of this category is proposed for. */
  readonly defaultParty: 'property' | 'committee' | 'community';
  readonly nameZh: string;
  readonly nameEn: string;
  /** Emergencies are shown first in every queue and may use the maintenance fund without a vote. */
  readonly emergency: boolean;
  readonly sortOrder: number;
}

/*
 * The defaults of docs/domain.md (Deadlines), after 12345 practice. Where it leaves a number open:
 * - Emergencies resolve in 24 h: the danger (entrapment, dead fire system, flooding) must be ended within
 *   the day. Facade at risk is the exception: the 2 h response makes it safe (cordon, remove loose
 *   pieces), but the repair needs scaffolding and often the fund, so it resolves in the complex 15 days.
 * - Water, power and lift outages respond in 24 h like ordinary issues but resolve in 72 h: a week
 *   without water, power or a lift for the upper floors is not tolerable, yet parts and utilities may take
 *   a few days.
 * sortOrder leaves gaps of 10 so an estate can slot its own categories in between.
 */
const HOURS = {
  emergency: { responseHours: 2, resolveHours: 24 },
  outage: { responseHours: 24, resolveHours: 72 },
  ordinary: { responseHours: 24, resolveHours: 7 * 24 },
  complex: { responseHours: 24, resolveHours: 15 * 24 },
  emergencyComplex: { responseHours: 2, resolveHours: 15 * 24 },
} as const;

const CATEGORY_ROWS: ReadonlyArray<readonly [string, string, string, boolean, CategoryDeadlines]> = [
  ['roof_leak', '屋面/外墙渗漏', 'Roof or wall leak', false, HOURS.complex],
  ['lift_fault', '电梯故障', 'Lift fault', false, HOURS.outage],
  ['lift_entrapment', '电梯困人', 'Lift entrapment', true, HOURS.emergency],
  ['water_drainage', '供水排水', 'Water supply and drainage', false, HOURS.outage],
  ['power_outage', '停电', 'Power outage', false, HOURS.outage],
  ['fire_safety', '消防设施故障', 'Fire-system failure', true, HOURS.emergency],
  ['severe_leak', '严重漏水', 'Severe leak', true, HOURS.emergency],
  ['facade_risk', '外墙脱落风险', 'Façade at risk', true, HOURS.emergencyComplex],
  ['sanitation', '环境卫生', 'Sanitation', false, HOURS.ordinary],
  ['parking', '停车管理', 'Parking', false, HOURS.ordinary],
  ['noise', '噪音扰民', 'Noise', false, HOURS.ordinary],
  ['greening', '绿化养护', 'Greening', false, HOURS.ordinary],
  ['security', '治安秩序', 'Security', false, HOURS.ordinary],
  ['property_service', '物业服务', 'Property service', false, HOURS.ordinary],
  ['fund_dispute', '维修资金争议', 'Maintenance-fund dispute', false, HOURS.complex],
  ['other', '其他', 'Other', false, HOURS.ordinary],
];

/** Fund disputes go to the owners' committee, security and noise to the community; the rest to the property. */
const DEFAULT_PARTIES: Readonly<Record<string, DefaultCategory['defaultParty']>> = {
  fund_dispute: 'committee',
  security: 'community',
  noise: 'community',
};

export const DEFAULT_CATEGORIES: readonly DefaultCategory[] = CATEGORY_ROWS.map(
  ([code, nameZh, nameEn, emergency, hours], index) => ({
    code,
    defaultParty: DEFAULT_PARTIES[code] ?? 'property',
    nameZh,
    nameEn,
    emergency,
    responseHours: hours.responseHours,
    resolveHours: hours.resolveHours,
    sortOrder: (index + 1) * 10,
  }),
);

export const SHANGHAI_TIME_ZONE = 'Asia/Shanghai';
const SHANGHAI_OFFSET_HOURS = 8;

export interface ShanghaiParts {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  readonly day: number;
  /** 0-23 */
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

// Immutable and costly to build, so one per process. h23 keeps midnight as 00, not 24.
const SHANGHAI_FORMAT = new Intl.DateTimeFormat('en-US', {
  timeZone: SHANGHAI_TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});

/** China has kept UTC+8 without daylight saving since 1991-09-15 (the end of its last DST period). */
const FIXED_OFFSET_SINCE = Date.UTC(1991, 8, 15);
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/**
 * A moment's calendar parts in Shanghai. Since 1991 that is plain arithmetic on UTC+8 (pages format
 * hundreds of times, and Intl's formatToParts cost ~10 µs each); earlier moments go through the time-zone
 * database.
 */
export function toShanghaiParts(date: Date): ShanghaiParts {
  const ms = date.getTime();
  if (ms >= FIXED_OFFSET_SINCE) {
    const local = new Date(ms + SHANGHAI_OFFSET_MS);
    return {
      year: local.getUTCFullYear(),
      month: local.getUTCMonth() + 1,
      day: local.getUTCDate(),
      hour: local.getUTCHours(),
      minute: local.getUTCMinutes(),
      second: local.getUTCSeconds(),
    };
  }
  return toShanghaiPartsByZone(date);
}

/** The same through Intl and the time-zone database (exported for the test that checks the shortcut). */
export function toShanghaiPartsByZone(date: Date): ShanghaiParts {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of SHANGHAI_FORMAT.formatToParts(date)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? Number.NaN,
    month: parts.month ?? Number.NaN,
    day: parts.day ?? Number.NaN,
    hour: parts.hour ?? Number.NaN,
    minute: parts.minute ?? Number.NaN,
    second: parts.second ?? Number.NaN,
  };
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

function shanghaiDateAndTime(date: Date): [string, string] {
  const p = toShanghaiParts(date);
  return [`${p.year}-${pad2(p.month)}-${pad2(p.day)}`, `${pad2(p.hour)}:${pad2(p.minute)}`];
}

/**
 * "2026-11-27 18:30" in both locales: unambiguous to readers of either language and sortable as text. The
 * locale stays in the signature so callers pass it already if a language ever needs another form.
 */
export function formatShanghai(date: Date, _locale: Locale): string {
  return shanghaiDateAndTime(date).join(' ');
}

/** "2026-11-27T18:30": the value of a datetime-local input, the inverse of `parseShanghaiLocal`. */
export function formatShanghaiLocal(date: Date): string {
  return shanghaiDateAndTime(date).join('T');
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * A datetime-local value ("2026-11-27T18:30", seconds optional) read as Shanghai wall-clock time. Null
 * when it is not one, including impossible dates such as 2026-02-30, so the form can say so.
 */
export function parseShanghaiLocal(value: string): Date | null {
  const match = LOCAL_DATE_TIME.exec(value.trim());
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6] ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return null;
  // Date.UTC rolls 2026-02-30 over into March; a round trip of the calendar date catches that.
  const asUtc = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (asUtc.getUTCFullYear() !== year || asUtc.getUTCMonth() !== month - 1 || asUtc.getUTCDate() !== day) {
    return null;
  }
  return new Date(asUtc.getTime() - SHANGHAI_OFFSET_HOURS * HOUR_MS);
}

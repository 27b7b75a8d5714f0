import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CATEGORIES,
  dueDates,
  formatDuration,
  formatShanghai,
  formatShanghaiLocal,
  parseShanghaiLocal,
  timeLeft,
  toShanghaiParts,
  toShanghaiPartsByZone,
} from '../../src/domain/deadlines.ts';
import type { Locale, ShanghaiParts, TimeLeft } from '../../src/domain/deadlines.ts';

const at = (iso: string): Date => new Date(iso);

describe('dueDates', () => {
  it.each([
    ['an emergency filed at 18:30 Shanghai', 2, 24, '2026-11-27T10:30:00Z', '2026-11-27T12:30:00Z', '2026-11-28T10:30:00Z'],
    ['an ordinary issue runs 7 calendar days', 24, 168, '2026-11-27T10:30:00Z', '2026-11-28T10:30:00Z', '2026-12-04T10:30:00Z'],
    ['a complex issue across the new year', 24, 360, '2026-12-25T16:00:00Z', '2026-12-26T16:00:00Z', '2027-01-09T16:00:00Z'],
  ])('%s', (_name, responseHours, resolveHours, from, respondBy, resolveBy) => {
    expect(dueDates({ responseHours, resolveHours }, at(from))).toEqual({
      respondBy: at(respondBy),
      resolveBy: at(resolveBy),
    });
  });
});

describe('timeLeft', () => {
  const due = at('2026-11-27T10:00:00Z');
  it.each<[string, string, TimeLeft]>([
    ['two days three hours before', '2026-11-25T07:00:00Z', { overdue: false, minutes: 3060 }],
    ['90 seconds before: one whole minute left', '2026-11-27T09:58:30Z', { overdue: false, minutes: 1 }],
    ['exactly at the due moment: still on time', '2026-11-27T10:00:00Z', { overdue: false, minutes: 0 }],
    ['30 seconds after: overdue by under a minute', '2026-11-27T10:00:30Z', { overdue: true, minutes: 0 }],
    ['45 minutes after', '2026-11-27T10:45:00Z', { overdue: true, minutes: 45 }],
  ])('%s', (_name, now, expected) => {
    expect(timeLeft(due, at(now))).toEqual(expected);
  });
});

describe('formatDuration', () => {
  it.each<[number, Locale, string]>([
    [0, 'zh-CN', '0分钟'],
    [0, 'en', '0 min'],
    [45, 'zh-CN', '45分钟'],
    [45, 'en', '45 min'],
    [60, 'zh-CN', '1小时'],
    [185, 'zh-CN', '3小时5分钟'],
    [185, 'en', '3 h 5 min'],
    [1439, 'en', '23 h 59 min'],
    [1440, 'zh-CN', '1天'],
    [3060, 'zh-CN', '2天3小时'],
    [3060, 'en', '2 d 3 h'],
    [3119, 'zh-CN', '2天3小时'],
    [21600, 'en', '15 d'],
    [-45, 'zh-CN', '45分钟'],
    [45.9, 'en', '45 min'],
  ])('%d minutes in %s reads "%s"', (minutes, locale, expected) => {
    expect(formatDuration(minutes, locale)).toBe(expected);
  });
});

describe('DEFAULT_CATEGORIES', () => {
  const byCode = new Map(DEFAULT_CATEGORIES.map((category) => [category.code, category]));

  it('has the sixteen codes of the domain, each once, in sort order', () => {
    expect(DEFAULT_CATEGORIES.map((category) => category.code)).toEqual([
      'roof_leak',
      'lift_fault',
      'lift_entrapment',
      'water_drainage',
      'power_outage',
      'fire_safety',
      'severe_leak',
      'facade_risk',
      'sanitation',
      'parking',
      'noise',
      'greening',
      'security',
      'property_service',
      'fund_dispute',
      'other',
    ]);
    const orders = DEFAULT_CATEGORIES.map((category) => category.sortOrder);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    expect(new Set(orders).size).toBe(orders.length);
  });

  it.each([
    ['lift_entrapment', true, 2, 24],
    ['fire_safety', true, 2, 24],
    ['severe_leak', true, 2, 24],
    ['facade_risk', true, 2, 360],
    ['lift_fault', false, 24, 72],
    ['water_drainage', false, 24, 72],
    ['power_outage', false, 24, 72],
    ['roof_leak', false, 24, 360],
    ['fund_dispute', false, 24, 360],
    ['sanitation', false, 24, 168],
    ['parking', false, 24, 168],
    ['noise', false, 24, 168],
    ['greening', false, 24, 168],
    ['security', false, 24, 168],
    ['property_service', false, 24, 168],
    ['other', false, 24, 168],
  ])('%s: emergency %s, respond in %i h, resolve in %i h', (code, emergency, responseHours, resolveHours) => {
    expect(byCode.get(code)).toMatchObject({ emergency, responseHours, resolveHours });
  });

  it('names every category in both languages and never lets a response be due after the resolution', () => {
    for (const category of DEFAULT_CATEGORIES) {
      expect(category.nameZh).not.toBe('');
      expect(category.nameEn).not.toBe('');
      expect(category.responseHours).toBeLessThanOrEqual(category.resolveHours);
    }
  });
});

describe('Shanghai time', () => {
  it.each<[string, string, ShanghaiParts, string, string]>([
    [
      'an evening',
      '2026-11-27T10:30:00Z',
      { year: 2026, month: 11, day: 27, hour: 18, minute: 30, second: 0 },
      '2026-11-27 18:30',
      '2026-11-27T18:30',
    ],
    [
      'UTC 16:00 is Shanghai midnight of the next day',
      '2026-12-31T16:00:05Z',
      { year: 2027, month: 1, day: 1, hour: 0, minute: 0, second: 5 },
      '2027-01-01 00:00',
      '2027-01-01T00:00',
    ],
    [
      'a UTC morning is the same Shanghai day',
      '2026-03-08T01:02:59Z',
      { year: 2026, month: 3, day: 8, hour: 9, minute: 2, second: 59 },
      '2026-03-08 09:02',
      '2026-03-08T09:02',
    ],
  ])('%s', (_name, iso, parts, shown, inputValue) => {
    expect(toShanghaiParts(at(iso))).toEqual(parts);
    expect(formatShanghai(at(iso), 'zh-CN')).toBe(shown);
    expect(formatShanghai(at(iso), 'en')).toBe(shown);
    expect(formatShanghaiLocal(at(iso))).toBe(inputValue);
  });

  it.each<[string, string | null]>([
    ['2026-11-27T18:30', '2026-11-27T10:30:00.000Z'],
    ['2026-11-27T18:30:15', '2026-11-27T10:30:15.000Z'],
    ['2027-01-01T00:00', '2026-12-31T16:00:00.000Z'],
    ['2028-02-29T07:59', '2028-02-28T23:59:00.000Z'],
    [' 2026-11-27T18:30 ', '2026-11-27T10:30:00.000Z'],
    ['2026-02-30T10:00', null],
    ['2026-13-01T10:00', null],
    ['2026-11-27T24:00', null],
    ['2026-11-27T18:60', null],
    ['2026-11-27 18:30', null],
    ['2026-11-27', null],
    ['18:30', null],
    ['', null],
  ])('parseShanghaiLocal(%j) is %s', (value, expected) => {
    expect(parseShanghaiLocal(value)?.toISOString() ?? null).toBe(expected);
  });

  it('reads back what it formats for a datetime-local input', () => {
    const date = at('2026-11-27T10:30:00Z');
    expect(parseShanghaiLocal(formatShanghaiLocal(date))).toEqual(date);
  });
});

describe('Shanghai calendar parts without the time-zone database', () => {
  it.each([
    '1991-09-15T00:00:00Z',
    '1999-12-31T15:59:59Z',
    '1999-12-31T16:00:00Z',
    '2024-02-28T16:00:00Z',
    '2026-11-30T23:59:59Z',
    '2027-01-01T00:00:00Z',
    '2038-01-19T03:14:08Z',
  ])('matches Intl for %s', (iso) => {
    const at = new Date(iso);
    expect(toShanghaiParts(at)).toEqual(toShanghaiPartsByZone(at));
  });

  it('matches Intl on every hour of a year, across month and year ends', () => {
    for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 2); ms += 3_600_000 + 61_000) {
      const at = new Date(ms);
      expect(toShanghaiParts(at)).toEqual(toShanghaiPartsByZone(at));
    }
  });

  it('keeps the zone database for moments before 1991, when China had daylight saving', () => {
    const summer1988 = new Date('1988-07-01T00:00:00Z');
    expect(toShanghaiParts(summer1988).hour).toBe(9); // UTC+9 in summer 1988
  });
});

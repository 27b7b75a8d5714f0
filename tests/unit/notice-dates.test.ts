import { describe, expect, it } from 'vitest';
import {
  checkNoticeDates,
  endOfShanghaiDay,
  formatNoticeDay,
  noticeStanding,
  shanghaiDayInput,
  type NoticeDateError,
} from '../../src/domain/notice-dates.ts';

// 2026-11-20 10:00 in Shanghai
const PUBLISHED = new Date('2026-11-20T02:00:00Z');

describe('endOfShanghaiDay', () => {
  it.each([
    ['a day ends at its last millisecond in Shanghai', '2026-12-10', '2026-12-10T15:59:59.999Z'],
    ['the last day of a leap February is a day', '2028-02-29', '2028-02-29T15:59:59.999Z'],
    ['surrounding spaces are ignored', ' 2026-12-10 ', '2026-12-10T15:59:59.999Z'],
    ['the 30th of February is no day', '2026-02-30', null],
    ['the 29th of February in a common year is no day', '2027-02-29', null],
    ['a thirteenth month is no day', '2026-13-01', null],
    ['a date with a time is not a date input', '2026-12-10T10:00', null],
    ['a year before the app existed is refused', '1999-12-31', null],
    ['text is no day', 'next week', null],
  ])('%s', (_name, value, expected) => {
    expect(endOfShanghaiDay(value)?.toISOString() ?? null).toBe(expected);
  });
});

describe('shanghaiDayInput and formatNoticeDay', () => {
  it.each([
    ['late evening UTC is already the next day in Shanghai', '2026-12-09T16:30:00Z', '2026-12-10', '2026年12月10日'],
    ['the end of a day stays on that day', '2026-12-10T15:59:59.999Z', '2026-12-10', '2026年12月10日'],
    ['single-digit months and days are not padded in Chinese', '2027-01-04T02:00:00Z', '2027-01-04', '2027年1月4日'],
  ])('%s', (_name, iso, input, zh) => {
    const date = new Date(iso);
    expect(shanghaiDayInput(date)).toBe(input);
    expect(formatNoticeDay(date, 'zh-CN')).toBe(zh);
    expect(formatNoticeDay(date, 'en')).toBe(input);
  });
});

describe('checkNoticeDates', () => {
  const cases: [string, string, string, NoticeDateError[] | { publicUntil: string | null; endsAt: string | null }][] = [
    ['neither day is fine', '', '', { publicUntil: null, endsAt: null }],
    [
      'a notice period ending on the day of publication is fine',
      '2026-11-20',
      '',
      { publicUntil: '2026-11-20T15:59:59.999Z', endsAt: null },
    ],
    ['an end without a notice period is fine', '', '2026-12-01', { publicUntil: null, endsAt: '2026-12-01T15:59:59.999Z' }],
    [
      'an end on the notice period’s last day is fine',
      '2026-11-27',
      '2026-11-27',
      { publicUntil: '2026-11-27T15:59:59.999Z', endsAt: '2026-11-27T15:59:59.999Z' },
    ],
    [
      'an end after the notice period is fine',
      '2026-11-27',
      '2026-12-31',
      { publicUntil: '2026-11-27T15:59:59.999Z', endsAt: '2026-12-31T15:59:59.999Z' },
    ],
    [
      'a notice period over before publication is refused',
      '2026-11-19',
      '',
      [{ field: 'noticePublicUntil', code: 'notice_public_before_published' }],
    ],
    ['an end before publication is refused', '', '2026-11-19', [{ field: 'noticeEndsAt', code: 'notice_ends_before_published' }]],
    [
      'an end before the notice period is over is refused',
      '2026-11-27',
      '2026-11-26',
      [{ field: 'noticeEndsAt', code: 'notice_ends_before_public' }],
    ],
    [
      'both before publication are both refused, the end once',
      '2026-11-18',
      '2026-11-17',
      [
        { field: 'noticePublicUntil', code: 'notice_public_before_published' },
        { field: 'noticeEndsAt', code: 'notice_ends_before_published' },
      ],
    ],
    ['an impossible day is refused as invalid', '2026-02-30', '', [{ field: 'noticePublicUntil', code: 'invalid' }]],
    [
      'an invalid notice period does not hide a wrong end',
      'soon',
      '2026-11-01',
      [
        { field: 'noticePublicUntil', code: 'invalid' },
        { field: 'noticeEndsAt', code: 'notice_ends_before_published' },
      ],
    ],
  ];
  it.each(cases)('%s', (_name, publicUntil, endsAt, expected) => {
    const result = checkNoticeDates({ publicUntil, endsAt }, PUBLISHED);
    if (Array.isArray(expected)) {
      expect(result).toEqual({ ok: false, errors: expected });
    } else {
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.publicUntil?.toISOString() ?? null).toBe(expected.publicUntil);
      expect(result.endsAt?.toISOString() ?? null).toBe(expected.endsAt);
    }
  });
});

describe('noticeStanding', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  const before = new Date('2026-11-30T23:59:59Z');
  const after = new Date('2026-12-01T00:00:01Z');
  it.each([
    ['no end and not withdrawn: on the board', null, null, 'current'],
    ['an end still to come: on the board', after, null, 'current'],
    ['an end reached this instant: ended', now, null, 'ended'],
    ['an end passed: ended', before, null, 'ended'],
    ['withdrawn before its end: withdrawn', after, before, 'withdrawn'],
    ['withdrawn after it ended: still withdrawn', before, now, 'withdrawn'],
  ] as const)('%s', (_name, endsAt, withdrawnAt, expected) => {
    expect(noticeStanding({ endsAt, withdrawnAt }, now)).toBe(expected);
  });
});

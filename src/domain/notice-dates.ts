import { toShanghaiParts } from './deadlines.ts';

/**
 * The dates a staff notice carries (DOMAIN.md, Notice board): its 公示期 (the notice period: objections are
 * taken until then) and the day it leaves the board. Both are whole days as people say them ("至 12月10日"),
 * so a day runs to its last second in Shanghai; a notice period or an end that has begun before the
 * notice was published would mean nothing, and a notice leaving the board before its notice period is
 * over would cut the period short.
 */

export type NoticeDateField = 'noticePublicUntil' | 'noticeEndsAt';

export interface NoticeDateError {
  field: NoticeDateField;
  code: 'invalid' | 'notice_public_before_published' | 'notice_ends_before_published' | 'notice_ends_before_public';
}

export type NoticeDatesCheck =
  { ok: true; publicUntil: Date | null; endsAt: Date | null } | { ok: false; errors: NoticeDateError[] };

const DAY_INPUT = /^(\d{4})-(\d{2})-(\d{2})$/;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** A date input's value ("2026-12-10") as the last millisecond of that day in Shanghai; null when it is no real day. */
export function endOfShanghaiDay(value: string): Date | null {
  const match = DAY_INPUT.exec(value.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = new Date(Date.UTC(year, month - 1, day));
  if (year < 2000 || start.getUTCFullYear() !== year || start.getUTCMonth() !== month - 1 || start.getUTCDate() !== day) {
    return null;
  }
  return new Date(start.getTime() + 86_400_000 - 1 - SHANGHAI_OFFSET_MS);
}

/** The Shanghai calendar day of a moment as a date input shows it ("2026-12-10"), the inverse of `endOfShanghaiDay`. */
export function shanghaiDayInput(date: Date): string {
  const p = toShanghaiParts(date);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** A day as the notice says it: "2026年12月10日" in Chinese, "2026-12-10" in English. */
export function formatNoticeDay(date: Date, locale: string): string {
  const p = toShanghaiParts(date);
  return locale === 'zh-CN' ? `${p.year}年${p.month}月${p.day}日` : shanghaiDayInput(date);
}

/**
 * Checks the two optional days of a notice published at `publishedAt` (blank: none): each a real day, the
 * notice period not over before the day of publication, the end neither before that day nor before the
 * notice period's last day.
 */
export function checkNoticeDates(input: { publicUntil: string; endsAt: string }, publishedAt: Date): NoticeDatesCheck {
  const errors: NoticeDateError[] = [];
  const read = (value: string, field: NoticeDateField): Date | null => {
    if (value.trim() === '') return null;
    const day = endOfShanghaiDay(value);
    if (!day) errors.push({ field, code: 'invalid' });
    return day;
  };
  const publicUntil = read(input.publicUntil, 'noticePublicUntil');
  const endsAt = read(input.endsAt, 'noticeEndsAt');
  if (publicUntil && publicUntil < publishedAt) {
    errors.push({ field: 'noticePublicUntil', code: 'notice_public_before_published' });
  }
  if (endsAt && endsAt < publishedAt) errors.push({ field: 'noticeEndsAt', code: 'notice_ends_before_published' });
  else if (endsAt && publicUntil && endsAt < publicUntil) {
    errors.push({ field: 'noticeEndsAt', code: 'notice_ends_before_public' });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, publicUntil, endsAt };
}

export type NoticeStanding = 'current' | 'ended' | 'withdrawn';

/** Where a notice stands now: withdrawn (off the board, kept on record), ended (past its end), or on the board. */
export function noticeStanding(notice: { endsAt: Date | null; withdrawnAt: Date | null }, now: Date): NoticeStanding {
  if (notice.withdrawnAt !== null) return 'withdrawn';
  if (notice.endsAt !== null && notice.endsAt <= now) return 'ended';
  return 'current';
}

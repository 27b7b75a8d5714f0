import type { FieldError } from '../../errors.ts';
import { parseAreaToCentiM2 } from '../../domain/money.ts';

/**
 * The rules a place's form must pass, as pure functions over what the browser sent. The TypeBox schema
 * has already said each field is a string of sane length; these say whether it means something (a whole
 * number in range, a Chinese phone number, an area above zero) and collect one inline error per field.
 */

/** NFKC turns full-width digits and letters from Chinese input methods into ASCII; trims the edges. */
export function clean(raw: string | undefined): string {
  return (raw ?? '').normalize('NFKC').trim();
}

/** A required (or optional) line of text, trimmed, at most `max` characters. */
export function textField(
  errors: FieldError[],
  field: string,
  raw: string | undefined,
  opts: { required: boolean; max: number },
): string {
  // Names keep their full-width punctuation (“6号楼（东）”): only spaces are tidied, not NFKC'd.
  const value = (raw ?? '').replace(/\s+/g, ' ').trim();
  if (opts.required && value === '') errors.push({ field, code: 'required' });
  else if ([...value].length > opts.max) errors.push({ field, code: 'too_long', params: { max: opts.max } });
  return value;
}

/**
 * A whole number between min and max. Below the minimum, `belowCode` says why (a deadline of zero or
 * less is "must be greater than 0", not "out of range").
 */
export function intField(
  errors: FieldError[],
  field: string,
  raw: string | undefined,
  opts: { min: number; max: number; belowCode?: string },
): number {
  const text = clean(raw);
  if (text === '') {
    errors.push({ field, code: 'required' });
    return 0;
  }
  if (!/^[-\u2212]?\d{1,9}$/.test(text)) {
    errors.push({ field, code: 'place_whole_number' });
    return 0;
  }
  const value = Number(text.replace('\u2212', '-'));
  if (value < opts.min)
    errors.push(
      opts.belowCode ? { field, code: opts.belowCode } : { field, code: 'place_range', params: { min: opts.min, max: opts.max } },
    );
  else if (value > opts.max) errors.push({ field, code: 'place_range', params: { min: opts.min, max: opts.max } });
  return value;
}

/** An exclusive area in m² with at most two decimals, as integer 0.01 m²; zero or none is refused. */
export function areaField(errors: FieldError[], field: string, raw: string | undefined): number {
  const parsed = parseAreaToCentiM2(raw);
  if (parsed.ok) return parsed.centiM2;
  const code = {
    empty: 'place_area_required',
    zero: 'place_area_positive',
    negative: 'place_area_positive',
    not_a_number: 'place_area_invalid',
    too_many_decimals: 'place_area_decimals',
    too_large: 'place_area_too_large',
  }[parsed.reason];
  errors.push({ field, code });
  return 0;
}

const MOBILE = /^1[3-9]\d{9}$/;
// Area code (010, 021, 0755 …) then a 7- or 8-digit number, and an optional extension.
const LANDLINE = /^0\d{2,3}-\d{7,8}(?:-\d{1,6})?$/;
// Nationwide service numbers (400/800), which many property companies use for their duty line.
const SERVICE = /^(?:400|800)\d{7}$/;

/**
 * A mainland Chinese mobile number, a landline with its area code, or a 400/800 number, normalised to
 * digits (and hyphens between area code, number and extension). `null` when it is none of these.
 */
export function normaliseChinesePhone(raw: string): string | null {
  let text = clean(raw).replace(/[\s.]/g, '');
  text = text.replace(/^(?:\+|00)86-?/, '');
  text = text.replace(/^\((0\d{2,3})\)-?/, '$1-');
  const digits = text.replace(/-/g, '');
  if (!/^[\d-]+$/.test(text)) return null;
  if (MOBILE.test(digits)) return digits;
  if (SERVICE.test(digits)) return digits;
  if (LANDLINE.test(text)) return text;
  // A landline typed without the hyphen: split off the area code (3 digits for 010/02x, else 4).
  const m = /^(0(?:10|2\d)|0[3-9]\d{2})(\d{7,8})$/.exec(digits);
  if (m) return `${m[1]}-${m[2]}`;
  return null;
}

export function phoneField(errors: FieldError[], field: string, raw: string | undefined, required: boolean): string {
  const text = clean(raw);
  if (text === '') {
    if (required) errors.push({ field, code: 'required' });
    return '';
  }
  const phone = normaliseChinesePhone(text);
  if (phone === null) {
    errors.push({ field, code: 'place_phone' });
    return '';
  }
  return phone;
}

/** Bounds of the per-estate settings: wide enough for any estate's rules, narrow enough to catch typos. */
export const SETTING_BOUNDS = {
  autoCloseDays: { min: 1, max: 90 },
  satisfactionWeightPct: { min: 0, max: 100 },
  deadlineWarningHours: { min: 1, max: 168 },
  meetingReminderHours: { min: 1, max: 336 },
  voteReminderHours: { min: 1, max: 720 },
  bouncingThreshold: { min: 1, max: 20 },
  minVotingDays: { min: 1, max: 180 },
} as const;

export type SettingKey = keyof typeof SETTING_BOUNDS;
export const SETTING_KEYS = Object.keys(SETTING_BOUNDS) as SettingKey[];

/** A category's deadlines in hours: both above zero, resolution no sooner than response, at most a year. */
export const MAX_DEADLINE_HOURS = 8760;

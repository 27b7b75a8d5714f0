/**
 * Money and area as people type them, converted to the integers the rest of the app stores:
 * money in fen (0.01 yuan), exclusive area in 0.01 m². Parsing works on the string, never through a
 * float, so "0.29" is 29 fen and not 28.999999999999996.
 */

/** 10^12 fen = 100 亿元: far above any estate's maintenance fund, well inside Number.MAX_SAFE_INTEGER. */
const MAX_FEN = 1_000_000_000_000;

/** Exclusive area must be below 100 000 m² (i.e. at most 9 999 999 hundredths); a larger value is a typo. */
const AREA_LIMIT_CENTI_M2 = 10_000_000;

type MoneyParseReason = 'empty' | 'not_a_number' | 'too_many_decimals' | 'negative' | 'too_large';
type MoneyParseResult = { ok: true; fen: number } | { ok: false; reason: MoneyParseReason };

type AreaParseReason = 'empty' | 'not_a_number' | 'too_many_decimals' | 'negative' | 'zero' | 'too_large';
type AreaParseResult = { ok: true; centiM2: number } | { ok: false; reason: AreaParseReason };

// Thousands separators are accepted only in correct groups of three, so a European decimal comma
// ("1,5") is rejected instead of silently read as 15. Digits before or after the point may be omitted
// (".5", "12.") but not both; the point's digits are captured whatever their count so that "1.234"
// reports too_many_decimals rather than not_a_number.
const DECIMAL = /^(?<int>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?<frac>\d*))?$/;

// A leading minus: ASCII hyphen-minus (full-width U+FF0D becomes this under NFKC) or U+2212.
const MINUS = /^[-\u2212]\s*/;

// More integer digits than this cannot be a plausible amount; stop before building a huge BigInt.
const MAX_INTEGER_DIGITS = 20;

type Hundredths =
  | { ok: true; negative: boolean; hundredths: bigint }
  | { ok: false; reason: 'empty' | 'not_a_number' | 'too_many_decimals' | 'too_large' };

/**
 * NFKC turns full-width digits, comma, point and yen sign (１２，０００．５０ ￥) into ASCII and the
 * ideographic space into a plain space, which is what Chinese input methods produce.
 */
function normalise(input: string | null | undefined): string {
  return (input ?? '').normalize('NFKC').trim();
}

/** Parses "[-]digits[.dd]" (after unit/currency stripping) into an exact count of hundredths. */
function parseHundredths(text: string): Hundredths {
  if (text === '') return { ok: false, reason: 'empty' };
  const minus = MINUS.exec(text);
  const body = minus ? text.slice(minus[0].length) : text;
  const groups = DECIMAL.exec(body)?.groups;
  if (!groups) return { ok: false, reason: 'not_a_number' };
  const intDigits = (groups['int'] ?? '').replaceAll(',', '').replace(/^0+(?=\d)/, '');
  const fracDigits = groups['frac'] ?? '';
  if (intDigits === '' && fracDigits === '') return { ok: false, reason: 'not_a_number' };
  if (fracDigits.length > 2) return { ok: false, reason: 'too_many_decimals' };
  if (intDigits.length > MAX_INTEGER_DIGITS) return { ok: false, reason: 'too_large' };
  const hundredths = BigInt(intDigits || '0') * 100n + BigInt(fracDigits.padEnd(2, '0'));
  // "-0" and "-0.00" are zero, not a negative amount.
  return { ok: true, negative: minus !== null && hundredths > 0n, hundredths };
}

// "¥", "RMB" or "CNY" before the number (either side of a minus sign), "元" after it.
const CURRENCY_PREFIX = /^(?:¥|RMB|CNY)\s*/i;
const CURRENCY_SUFFIX = /\s*元$/;

/**
 * Parses a yuan amount typed by a person into integer fen:
 * "12000", "12,000.50", "¥1,200.5", "１２０００", "-¥5" (negative), "300元".
 */
export function parseYuanToFen(input: string | null | undefined): MoneyParseResult {
  let text = normalise(input);
  if (text === '') return { ok: false, reason: 'empty' };
  const minus = MINUS.exec(text);
  if (minus) text = text.slice(minus[0].length);
  text = text.replace(CURRENCY_PREFIX, '').replace(CURRENCY_SUFFIX, '');
  const parsed = parseHundredths(minus ? `-${text}` : text);
  if (!parsed.ok) return { ok: false, reason: parsed.reason === 'empty' ? 'not_a_number' : parsed.reason };
  if (parsed.negative) return { ok: false, reason: 'negative' };
  if (parsed.hundredths > BigInt(MAX_FEN)) return { ok: false, reason: 'too_large' };
  return { ok: true, fen: Number(parsed.hundredths) };
}

// Area units people append; "㎡" and "m²" both become "m2" under NFKC.
const AREA_UNIT_SUFFIX = /\s*(?:m2|平方米|平米)$/i;

/** Parses an exclusive area in m² ("86.35", "86.35㎡") into 0.01 m²; must be > 0 and < 100 000 m². */
export function parseAreaToCentiM2(input: string | null | undefined): AreaParseResult {
  const text = normalise(input);
  if (text === '') return { ok: false, reason: 'empty' };
  const parsed = parseHundredths(text.replace(AREA_UNIT_SUFFIX, ''));
  if (!parsed.ok) return { ok: false, reason: parsed.reason === 'empty' ? 'not_a_number' : parsed.reason };
  if (parsed.negative) return { ok: false, reason: 'negative' };
  if (parsed.hundredths === 0n) return { ok: false, reason: 'zero' };
  if (parsed.hundredths >= BigInt(AREA_LIMIT_CENTI_M2)) return { ok: false, reason: 'too_large' };
  return { ok: true, centiM2: Number(parsed.hundredths) };
}

function formatHundredths(value: number, what: string, groupThousands: boolean): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer, got ${value}`);
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  const whole = String(Math.floor(abs / 100));
  const cents = String(abs % 100).padStart(2, '0');
  // Grouped by hand rather than with toLocaleString, whose output depends on the ICU data in the runtime.
  const grouped = groupThousands ? whole.replace(/\B(?=(\d{3})+$)/g, ',') : whole;
  return `${sign}${grouped}.${cents}`;
}

/** 1200050 -> "12,000.50" (yuan, always two decimals, thousands grouped; no currency sign). */
export function formatFen(fen: number): string {
  return formatHundredths(fen, 'fen', true);
}

/** 8635 -> "86.35" (m², always two decimals, no grouping: the way 房产证 and rosters write areas). */
export function formatArea(centiM2: number): string {
  return formatHundredths(centiM2, 'centiM2', false);
}

import { describe, expect, it } from 'vitest';
import { formatArea, formatFen, parseAreaToCentiM2, parseYuanToFen } from '../../src/domain/money.ts';

describe('parseYuanToFen', () => {
  it.each([
    ['12000', 1_200_000],
    ['12,000.50', 1_200_050],
    ['¥1,200.5', 120_050],
    ['￥1,200.50', 120_050], // full-width yen sign
    ['１２０００', 1_200_000], // full-width digits
    ['１２，０００．５０', 1_200_050], // full-width comma and point
    ['  300元 ', 30_000],
    ['\u3000¥ 88\u3000', 8_800], // ideographic spaces
    ['RMB 5', 500],
    ['0.29', 29], // 0.29 * 100 is 28.999999999999996 in floating point
    ['0.07', 7],
    ['1.1', 110],
    ['.5', 50],
    ['12.', 1_200],
    ['007', 700],
    ['0', 0],
    ['-0', 0],
    ['1,234,567.89', 123_456_789],
    ['10000000000', 1_000_000_000_000], // 10^10 yuan = 10^12 fen, the maximum
    ['9999999999.99', 999_999_999_999],
  ])('%j -> %d fen', (input, fen) => {
    expect(parseYuanToFen(input)).toEqual({ ok: true, fen });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['\u3000', 'empty'],
    [null, 'empty'],
    [undefined, 'empty'],
    ['abc', 'not_a_number'],
    ['¥', 'not_a_number'],
    ['.', 'not_a_number'],
    ['-', 'not_a_number'],
    ['1.2.3', 'not_a_number'],
    ['1,5', 'not_a_number'], // a decimal comma, not a thousands separator
    ['1,2000', 'not_a_number'],
    ['12,000,00', 'not_a_number'],
    [',100', 'not_a_number'],
    ['1e3', 'not_a_number'],
    ['1.2万', 'not_a_number'],
    ['+5', 'not_a_number'],
    ['--5', 'not_a_number'],
    ['12 000', 'not_a_number'],
    ['٣', 'not_a_number'], // Arabic-Indic digit
    ['1.234', 'too_many_decimals'],
    ['0.001', 'too_many_decimals'],
    ['12.500', 'too_many_decimals'],
    ['-5', 'negative'],
    ['-¥5', 'negative'],
    ['¥-5', 'negative'],
    ['－5', 'negative'], // full-width minus
    ['−0.01', 'negative'], // U+2212
    ['10000000000.01', 'too_large'],
    ['99999999999', 'too_large'],
    ['123456789012345678901234567890', 'too_large'],
  ] as const)('%j -> %s', (input, reason) => {
    expect(parseYuanToFen(input)).toEqual({ ok: false, reason });
  });
});

describe('formatFen', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [50, '0.50'],
    [100, '1.00'],
    [99_999, '999.99'],
    [100_000, '1,000.00'],
    [1_200_050, '12,000.50'],
    [123_456_789, '1,234,567.89'],
    [1_000_000_000_000, '10,000,000,000.00'],
    [-1_200_050, '-12,000.50'],
    [-5, '-0.05'],
  ])('%d -> %s', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it.each([[1.5], [Number.NaN], [Number.MAX_SAFE_INTEGER + 1]])('rejects %d', (fen) => {
    expect(() => formatFen(fen)).toThrow(RangeError);
  });

  it.each([['0.29'], ['12,000.50'], ['1'], ['10000000000']])('round-trips %j', (text) => {
    const parsed = parseYuanToFen(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parseYuanToFen(formatFen(parsed.fen))).toEqual(parsed);
  });
});

describe('parseAreaToCentiM2', () => {
  it.each([
    ['86.35', 8_635],
    ['86.3', 8_630],
    ['86', 8_600],
    ['0.01', 1],
    ['８６．３５', 8_635],
    ['86.35㎡', 8_635],
    ['86.35 m²', 8_635],
    ['86.35m2', 8_635],
    ['86.35平方米', 8_635],
    ['2,400', 240_000],
    ['99999.99', 9_999_999],
  ])('%j -> %d', (input, centiM2) => {
    expect(parseAreaToCentiM2(input)).toEqual({ ok: true, centiM2 });
  });

  it.each([
    ['', 'empty'],
    [' ', 'empty'],
    ['m2', 'not_a_number'],
    ['八十六', 'not_a_number'],
    ['86,35', 'not_a_number'],
    ['86.355', 'too_many_decimals'],
    ['-86.35', 'negative'],
    ['0', 'zero'],
    ['0.00', 'zero'],
    ['100000', 'too_large'],
    ['100000.00', 'too_large'],
  ] as const)('%j -> %s', (input, reason) => {
    expect(parseAreaToCentiM2(input)).toEqual({ ok: false, reason });
  });
});

describe('formatArea', () => {
  it.each([
    [8_635, '86.35'],
    [8_630, '86.30'],
    [1, '0.01'],
    [240_000, '2400.00'],
    [9_999_999, '99999.99'],
  ])('%d -> %s', (centi, text) => {
    expect(formatArea(centi)).toBe(text);
  });

  it('rejects a non-integer', () => {
    expect(() => formatArea(86.35)).toThrow(RangeError);
  });
});

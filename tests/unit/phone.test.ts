import { describe, expect, it } from 'vitest';
import { isMainlandMobile, normalizeMainlandMobile } from '../../src/domain/phone.ts';

describe('mainland mobile numbers', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    [' 138 1234-5678 ', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['0086 13812345678', '13812345678'],
    ['１３８１２３４５６７８', '13812345678'],
    ['19912345678', '19912345678'],
    ['16612345678', '16612345678'],
  ])('accepts %j as %s', (input, expected) => {
    expect(normalizeMainlandMobile(input)).toBe(expected);
    expect(isMainlandMobile(input)).toBe(true);
  });

  it.each([
    [''],
    ['1381234567'], // ten digits
    ['138123456789'], // twelve digits
    ['12812345678'], // no mobile prefix starts 12
    ['10812345678'],
    ['23812345678'],
    ['010-12345678'], // a Beijing landline
    ['+85291234567'], // Hong Kong
    ['+1 138 1234 5678'],
    ['138l2345678'], // a letter l for a one
    ['13812345678a'],
    ['86 1381234567'],
  ])('refuses %j', (input) => {
    expect(normalizeMainlandMobile(input)).toBeNull();
    expect(isMainlandMobile(input)).toBe(false);
  });
});

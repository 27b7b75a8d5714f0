/**
 * Mainland China mobile numbers (手机号): eleven digits, starting 13–19. People type them with spaces or
 * dashes ("138 0013 8000", "138-0013-8000"), with the country code ("+86 138…", "0086…"), or with
 * full-width digits from a Chinese input method; all of these are one number, stored as eleven digits.
 */

const MOBILE = /^1[3-9]\d{9}$/;

/** The number as eleven digits, or null when it is not a mainland mobile number. */
export function normalizeMainlandMobile(input: string): string | null {
  const compact = input
    .normalize('NFKC')
    .trim()
    .replace(/[\s\-()（）]/g, '');
  const local = compact.replace(/^(?:\+86|0086|86)(?=\d{11}$)/, '');
  return MOBILE.test(local) ? local : null;
}

export function isMainlandMobile(input: string): boolean {
  return normalizeMainlandMobile(input) !== null;
}

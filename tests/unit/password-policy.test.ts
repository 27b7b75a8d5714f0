import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS, PASSWORD_MAX_LENGTH, checkNewPassword } from '../../src/domain/password-policy.ts';

describe('the password policy for new passwords', () => {
  it.each([
    ['a short one', 'Ab3$xyz', '', { ok: false, problem: 'too_short', params: { min: 8 } }],
    ['seven Chinese characters', '我家门口的小河', '', { ok: false, problem: 'too_short', params: { min: 8 } }],
    [
      'one past the maximum',
      'x'.repeat(PASSWORD_MAX_LENGTH) + 'y',
      '',
      { ok: false, problem: 'too_long', params: { max: PASSWORD_MAX_LENGTH } },
    ],
    ['123456 (too short before it is common)', '123456', '', { ok: false, problem: 'too_short', params: { min: 8 } }],
    ['12345678', '12345678', '', { ok: false, problem: 'password_common' }],
    ['88888888', '88888888', '', { ok: false, problem: 'password_common' }],
    ['5201314 with a suffix people use', '520131400', '', { ok: false, problem: 'password_common' }],
    ['woaini1314', 'woaini1314', '', { ok: false, problem: 'password_common' }],
    ['WoAiNi1314 in another case', 'WoAiNi1314', '', { ok: false, problem: 'password_common' }],
    ['qwerty123', 'qwerty123', '', { ok: false, problem: 'password_common' }],
    ['a123456 padded to a12345678', 'a12345678', '', { ok: false, problem: 'password_common' }],
    ['full-width digits of 12345678', '１２３４５６７８', '', { ok: false, problem: 'password_common' }],
    ['password', 'password', '', { ok: false, problem: 'password_common' }],
    ['1qaz2wsx', '1qaz2wsx', '', { ok: false, problem: 'password_common' }],
    ['one character repeated', 'zzzzzzzzzz', '', { ok: false, problem: 'password_common' }],
    ['the mobile number used as the login name', '13812345678', '13812345678', { ok: false, problem: 'same_as_username' }],
    ['the login name in another case', 'WangXiuYing', 'wangxiuying', { ok: false, problem: 'same_as_username' }],
    ['a passphrase', 'correct horse 42', '13812345678', { ok: true }],
    ['exactly eight uncommon characters', 'kq7!mz2p', '', { ok: true }],
    ['exactly the maximum length', 'x'.repeat(PASSWORD_MAX_LENGTH - 1) + 'y', '', { ok: true }],
    ['Chinese characters', '我家门口的那条小河', '', { ok: true }],
  ] as const)('%s', (_name, password, username, expected) => {
    expect(checkNewPassword(password, username)).toEqual(expected);
  });

  it('ships a list of a few hundred common passwords, including the Chinese favourites', () => {
    expect(new Set(COMMON_PASSWORDS).size).toBeGreaterThanOrEqual(300);
    for (const p of ['123456', '5201314', 'woaini1314', 'qwerty123', 'a123456', '88888888'])
      expect(COMMON_PASSWORDS).toContain(p);
  });

  it('refuses every listed password that is long enough to pass the length rule', () => {
    for (const p of COMMON_PASSWORDS.filter((x) => x.length >= 8)) {
      expect(checkNewPassword(p), p).toEqual({ ok: false, problem: 'password_common' });
    }
  });
});

import type { Db } from '../../plugins/db.ts';
import { dummyPasswordHash, hashPassword, verifyPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../lib/password.ts';
import type { FieldError } from '../../errors.ts';

/** The user id for a correct username and password of an active account, else null. */
export async function authenticate(db: Db, username: string, password: string): Promise<number | null> {
  const user = await db.user.findUnique({ where: { username: username.trim().toLowerCase() } });
  if (!user || !user.active) {
    // Spend the same time as a real check, so response time does not reveal which usernames exist.
    await verifyPassword(password, await dummyPasswordHash());
    return null;
  }
  return (await verifyPassword(password, user.passwordHash)) ? user.id : null;
}

export function validateNewPassword(next: string, confirm: string, username: string): FieldError[] {
  const errors: FieldError[] = [];
  const length = Array.from(next).length;
  if (length < PASSWORD_MIN_LENGTH) errors.push({ field: 'next', code: 'too_short', params: { min: PASSWORD_MIN_LENGTH } });
  else if (length > PASSWORD_MAX_LENGTH) errors.push({ field: 'next', code: 'too_long', params: { max: PASSWORD_MAX_LENGTH } });
  else if (next.toLowerCase() === username.toLowerCase()) errors.push({ field: 'next', code: 'same_as_username' });
  if (next !== confirm) errors.push({ field: 'confirm', code: 'mismatch' });
  return errors;
}

/**
 * Changes the password and ends every other session of the account (a stolen session dies with the old
 * password); the caller starts a fresh session for the current browser.
 */
export async function changePassword(db: Db, userId: number, current: string, next: string, confirm: string, now: Date) {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  if (!(await verifyPassword(current, user.passwordHash))) {
    return { ok: false as const, errors: [{ field: 'current', code: 'wrong_password' }] };
  }
  const errors = validateNewPassword(next, confirm, user.username);
  if (errors.length > 0) return { ok: false as const, errors };
  const passwordHash = await hashPassword(next);
  await db.$transaction([
    db.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: now } }),
    db.session.deleteMany({ where: { userId } }),
  ]);
  return { ok: true as const };
}

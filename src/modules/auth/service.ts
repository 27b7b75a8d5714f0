import type { DbTx } from '../../plugins/db.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../lib/password.ts';
import { checkNewPassword } from '../../domain/password-policy.ts';
import type { FieldError } from '../../errors.ts';
import type { Locale } from '../../i18n/index.ts';
import { recordAudit, type AuditWho } from '../audit/index.ts';

/** Who signs in with a login name: their id, display name, role and community (for the audit log). */
export interface SignedIn {
  id: number;
  displayName: string;
  role: string;
  communityId: number | null;
}

/** The user for a correct username and password of an active account, else null. */
export async function authenticate(db: DbTx, username: string, password: string): Promise<SignedIn | null> {
  const user = await db.user.findUnique({ where: { username: username.trim().toLowerCase() } });
  if (!user || !user.active) {
    // Spend the same time as a real check, so response time does not reveal which usernames exist.
    await verifyPassword(password, await dummyPasswordHash());
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  return { id: user.id, displayName: user.displayName, role: user.role, communityId: user.communityId };
}

/** The community of the account with this login name, if any (a failed login's audit entry is filed there). */
export async function communityOfUsername(db: DbTx, username: string): Promise<number | null> {
  const user = await db.user.findUnique({ where: { username: username.trim().toLowerCase() }, select: { communityId: true } });
  return user?.communityId ?? null;
}

/**
 * A new password against the policy (domain/password-policy.ts: 8+ characters, not a common one, not
 * the login name) and its confirmation; errors name the form's fields.
 */
export function newPasswordErrors(
  next: string,
  confirm: string,
  username: string,
  fields = { next: 'next', confirm: 'confirm' },
): FieldError[] {
  const errors: FieldError[] = [];
  const check = checkNewPassword(next, username);
  if (!check.ok) errors.push({ field: fields.next, code: check.problem, ...(check.params ? { params: check.params } : {}) });
  if (next !== confirm) errors.push({ field: fields.confirm, code: 'mismatch' });
  return errors;
}

/** A checked password change, ready to be written by `changePassword`. */
interface PasswordChange {
  userId: number;
  /** The hash the check was made against: the write only lands if it is still the stored one. */
  oldHash: string;
  newHash: string;
}

/**
 * Checks the current password and the new one, and hashes the new one. Slow on purpose (scrypt), so it
 * runs before the transaction rather than inside it.
 */
export async function checkPasswordChange(
  db: DbTx,
  userId: number,
  form: { current: string; next: string; confirm: string },
): Promise<{ ok: true; change: PasswordChange } | { ok: false; errors: FieldError[] }> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  if (!(await verifyPassword(form.current, user.passwordHash))) {
    return { ok: false, errors: [{ field: 'current', code: 'wrong_password' }] };
  }
  const errors = newPasswordErrors(form.next, form.confirm, user.username);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, change: { userId, oldHash: user.passwordHash, newHash: await hashPassword(form.next) } };
}

/**
 * Stores the new password and ends every session of the account (a stolen session dies with the old
 * password); the caller starts a fresh session for the current browser. False if the password was
 * changed meanwhile by another request, which then counts as a wrong current password.
 */
export async function changePassword(
  tx: DbTx,
  change: PasswordChange,
  audit: { who: AuditWho; ip: string; communityId: number | null },
  now: Date,
): Promise<boolean> {
  const updated = await tx.user.updateMany({
    where: { id: change.userId, passwordHash: change.oldHash },
    data: { passwordHash: change.newHash, passwordChangedAt: now },
  });
  if (updated.count !== 1) return false;
  await tx.session.deleteMany({ where: { userId: change.userId } });
  await recordAudit(tx, { ...audit, action: 'profile.password', entityType: 'user', entityId: change.userId, at: now });
  return true;
}

/** Remembers the account's language for its next sign-in. */
export async function saveLocale(tx: DbTx, userId: number, locale: Locale): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { locale } });
}

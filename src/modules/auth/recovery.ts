import type { DbTx } from '../../plugins/db.ts';
import { hashPassword } from '../../lib/password.ts';
import { normalizeMainlandMobile } from '../../domain/phone.ts';
import { ValidationFailed, type FieldError } from '../../errors.ts';
import { recordAudit, type AuditWho } from '../audit/index.ts';
import { ensureDefaultCategories } from '../places/index.ts';
import { newPasswordErrors } from './service.ts';
import { consumeToken, issueToken, type IssuedToken } from './tokens.ts';
import { accountKey, clearThrottle } from './throttle.ts';

/**
 * First start and recovery: the one-time setup link that creates the first administrator, the one-time
 * reset link that sets a new password, and a person's own phone number. No default password anywhere.
 */

/** Login names of staff and administrators: lower-case letters, digits, dot, dash, underscore. */
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,31}$/;

export function usernameErrors(username: string, field = 'username'): FieldError[] {
  if (username === '') return [{ field, code: 'required' }];
  return USERNAME.test(username) ? [] : [{ field, code: 'username_format' }];
}

/** Whether a write failed on a unique key (Prisma P2002): the login name is taken. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

export async function userCount(db: DbTx): Promise<number> {
  return db.user.count();
}

export async function hasActiveAdmin(db: DbTx): Promise<boolean> {
  return (await db.user.count({ where: { role: 'admin', active: true } })) > 0;
}

/** A fresh setup link (older unused ones are voided). */
export function issueSetupLink(tx: DbTx, now: Date): Promise<IssuedToken> {
  return issueToken(tx, 'setup', null, null, now);
}

/** On first start: a setup link when the database has no user at all, else null. */
export async function setupLinkIfEmpty(tx: DbTx, now: Date): Promise<IssuedToken | null> {
  if ((await userCount(tx)) > 0) return null;
  return issueSetupLink(tx, now);
}

export interface FirstAdmin {
  username: string;
  displayName: string;
  password: string;
  confirm: string;
}

/** Checks the setup form and hashes the password (slow: before the transaction). */
export async function checkFirstAdmin(
  form: FirstAdmin,
): Promise<{ ok: true; passwordHash: string } | { ok: false; errors: FieldError[] }> {
  const errors = [
    ...usernameErrors(form.username),
    ...(form.displayName === '' ? [{ field: 'displayName', code: 'required' }] : []),
    ...newPasswordErrors(form.password, form.confirm, form.username, { next: 'password', confirm: 'confirm' }),
  ];
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, passwordHash: await hashPassword(form.password) };
}

/**
 * Creates the first administrator with the setup link `tokenId` and uses the link up, audited. Null when
 * the link was used meanwhile; a taken login name is a ValidationFailed.
 */
export async function createFirstAdmin(
  tx: DbTx,
  tokenId: number,
  form: { username: string; displayName: string; passwordHash: string },
  ip: string,
  now: Date,
): Promise<{ id: number } | null> {
  if (!(await consumeToken(tx, tokenId, now))) return null;
  if ((await tx.user.count({ where: { username: form.username } })) > 0) {
    throw new ValidationFailed([{ field: 'username', code: 'username_taken' }]);
  }
  const user = await tx.user.create({
    data: {
      username: form.username,
      displayName: form.displayName,
      passwordHash: form.passwordHash,
      role: 'admin',
      verified: true,
      passwordChangedAt: now,
      createdAt: now,
    },
    select: { id: true },
  });
  await tx.accountToken.update({ where: { id: tokenId }, data: { userId: user.id } });
  // the shared categories with their default deadlines, so residents can file from day one
  await ensureDefaultCategories(tx);
  await recordAudit(tx, {
    who: { userId: user.id, displayName: form.displayName, role: 'admin' },
    ip,
    action: 'setup.admin',
    entityType: 'user',
    entityId: user.id,
    after: { username: form.username, displayName: form.displayName, role: 'admin' },
    at: now,
  });
  return user;
}

/**
 * Sets a new password with a reset link: uses the link up, ends every session of the account, forgets
 * its failed logins, audited. False when the link was used meanwhile.
 */
export async function resetPassword(
  tx: DbTx,
  token: {
    id: number;
    user: {
      id: number;
      username: string;
      displayName: string;
      role: string;
      communityId: number | null;
      estateId: number | null;
    };
  },
  passwordHash: string,
  ip: string,
  now: Date,
): Promise<boolean> {
  if (!(await consumeToken(tx, token.id, now))) return false;
  const { user } = token;
  await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: now } });
  await tx.session.deleteMany({ where: { userId: user.id } });
  await clearThrottle(tx, accountKey(user.username));
  await recordAudit(tx, {
    who: { userId: user.id, displayName: user.displayName, role: user.role },
    ip,
    action: 'account.password_reset',
    entityType: 'user',
    entityId: user.id,
    communityId: user.communityId,
    estateId: user.estateId,
    at: now,
  });
  return true;
}

// ─── profile ───

export async function profileOf(db: DbTx, userId: number) {
  return db.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      id: true,
      username: true,
      displayName: true,
      phone: true,
      role: true,
      estateId: true,
      communityId: true,
      estate: { select: { name: true } },
    },
  });
}

/** Changes one's own phone number (a mainland mobile, or empty to remove it), audited with before/after. */
export async function changeOwnPhone(tx: DbTx, who: AuditWho, raw: string, ip: string, now: Date): Promise<void> {
  const trimmed = raw.trim();
  const phone = trimmed === '' ? '' : normalizeMainlandMobile(trimmed);
  if (phone === null) throw new ValidationFailed([{ field: 'phone', code: 'phone_invalid' }]);
  const user = await tx.user.findUniqueOrThrow({
    where: { id: who.userId },
    select: { phone: true, estateId: true, communityId: true, role: true },
  });
  if (user.role === 'resident' && phone === '') throw new ValidationFailed([{ field: 'phone', code: 'required' }]);
  if (phone === user.phone) return;
  if (phone !== '' && user.estateId !== null) {
    const taken = await tx.user.count({ where: { estateId: user.estateId, phone, id: { not: who.userId } } });
    if (taken > 0) throw new ValidationFailed([{ field: 'phone', code: 'phone_taken' }]);
  }
  await tx.user.update({ where: { id: who.userId }, data: { phone } });
  await recordAudit(tx, {
    who,
    ip,
    action: 'profile.phone',
    entityType: 'user',
    entityId: who.userId,
    communityId: user.communityId,
    estateId: user.estateId,
    before: { phone: user.phone },
    after: { phone },
    at: now,
  });
}

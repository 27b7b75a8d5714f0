import { createHash, randomBytes } from 'node:crypto';
import type { DbTx } from '../../plugins/db.ts';

/**
 * One-time account links (AccountToken): `setup` creates the first administrator, `reset` sets a new
 * password. The link carries a random 256-bit token; the table keeps only its SHA-256, so a leaked
 * database opens no account. A link works once and for 24 hours; a new link voids the older unused ones
 * of the same purpose (and user).
 */

export type TokenPurpose = 'setup' | 'reset';
export const TOKEN_LIFETIME_MS = 24 * 3_600_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Whether a path segment can be a token at all (a junk URL is a 404 without a query). */
export const looksLikeToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** Creates a link for `purpose` (and user), voiding the older unused ones it replaces. */
export async function issueToken(
  tx: DbTx,
  purpose: TokenPurpose,
  userId: number | null,
  createdById: number | null,
  now: Date,
): Promise<IssuedToken> {
  await tx.accountToken.updateMany({
    where: { purpose, userId, usedAt: null, expiresAt: { gt: now } },
    data: { expiresAt: now },
  });
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + TOKEN_LIFETIME_MS);
  await tx.accountToken.create({
    data: { purpose, tokenHash: hashToken(token), userId, createdById, createdAt: now, expiresAt },
  });
  return { token, expiresAt };
}

/** The live link for this token and purpose (unused, not expired), with its user; else null. */
export async function liveToken(db: DbTx, purpose: TokenPurpose, token: string, now: Date) {
  if (!looksLikeToken(token)) return null;
  const row = await db.accountToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      purpose: true,
      usedAt: true,
      expiresAt: true,
      user: {
        select: { id: true, username: true, displayName: true, role: true, active: true, communityId: true, estateId: true },
      },
    },
  });
  if (!row || row.purpose !== purpose || row.usedAt !== null || row.expiresAt <= now) return null;
  if (purpose === 'reset' && (!row.user || !row.user.active)) return null;
  return row;
}

/** Marks the link used; false when another request used it first (then nothing else may be written). */
export async function consumeToken(tx: DbTx, id: number, now: Date): Promise<boolean> {
  const { count } = await tx.accountToken.updateMany({
    where: { id, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  return count === 1;
}

/** Voids every unused link of a user (deactivation). */
export async function voidTokensOf(tx: DbTx, userId: number, now: Date): Promise<void> {
  await tx.accountToken.updateMany({ where: { userId, usedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
}

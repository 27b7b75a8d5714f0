import { inTransaction, type Db } from '../../plugins/db.ts';
import { hasActiveAdmin, issueSetupLink, setupLinkIfEmpty } from './recovery.ts';

/**
 * The setup link of a fresh install, for the server's start-up banner and the `setup-admin` command:
 * http://<host>:<port>/setup/<token>, good once and for 24 hours. Only the token's hash is stored.
 */

export function setupUrl(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, '')}/setup/${token}`;
}

/** On start: a setup link when the database has no user at all (a fresh install without the demo). */
export async function firstStartSetupLink(db: Db, origin: string, now: Date): Promise<{ url: string; expiresAt: Date } | null> {
  const issued = await inTransaction(db, (tx) => setupLinkIfEmpty(tx, now));
  return issued ? { url: setupUrl(origin, issued.token), expiresAt: issued.expiresAt } : null;
}

/** On demand: a fresh setup link, refused (null) while an active administrator exists unless forced. */
export async function newSetupLink(
  db: Db,
  origin: string,
  now: Date,
  force: boolean,
): Promise<{ url: string; expiresAt: Date } | null> {
  if (!force && (await hasActiveAdmin(db))) return null;
  const issued = await inTransaction(db, (tx) => issueSetupLink(tx, now));
  return { url: setupUrl(origin, issued.token), expiresAt: issued.expiresAt };
}

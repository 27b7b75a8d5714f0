import { createHash, randomBytes } from 'node:crypto';
import type { DbTx } from '../../plugins/db.ts';
import {
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  FORGET_AFTER_MS,
  afterFailure,
  waitMs,
  type DelayPolicy,
} from '../../domain/login-delay.ts';

/**
 * Login throttling kept in the database (LoginThrottle rows), so every server process sees the same
 * counts and a restart forgets nothing. The rules are the pure ones of domain/login-delay.ts: growing
 * waits per account and per address, capped at a minute, forgotten after an hour; never a lock-out.
 * A browser that has signed in to an account before carries a known-device token (KnownDevice rows,
 * only the token's hash stored) and skips both waits for that account.
 */

export const KNOWN_DEVICE_COOKIE = 'kd';
/** A browser remembers at most this many accounts (a shared family computer). */
const MAX_DEVICE_TOKENS = 5;
/** Known devices unused this long are forgotten. */
const KNOWN_DEVICE_TTL_MS = 400 * 24 * 3_600_000;

export const accountKey = (username: string) => `account:${username.trim().toLowerCase()}`.slice(0, 300);
export const addressKey = (ip: string) => `address:${ip}`.slice(0, 300);

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

async function stateOf(db: DbTx, key: string) {
  return db.loginThrottle.findUnique({ where: { key } });
}

/** Milliseconds the keys must still wait at `now` (the longest of them; 0: go ahead). */
export async function throttleWait(db: DbTx, keys: string[], now: Date): Promise<number> {
  const rows = await db.loginThrottle.findMany({ where: { key: { in: keys } } });
  return rows.reduce((longest, row) => Math.max(longest, waitMs(row, now)), 0);
}

/** Counts one failure against a key, in the caller's transaction. */
export async function recordFailure(tx: DbTx, key: string, policy: DelayPolicy, now: Date): Promise<void> {
  const next = afterFailure(await stateOf(tx, key), now, policy);
  await tx.loginThrottle.upsert({ where: { key }, create: { key, ...next }, update: next });
}

/** A failed login: one more failure for the account and for the address. */
export async function recordLoginFailure(tx: DbTx, keys: { account: string; address: string }, now: Date): Promise<void> {
  await recordFailure(tx, keys.account, ACCOUNT_POLICY, now);
  await recordFailure(tx, keys.address, ADDRESS_POLICY, now);
}

/** Forgets a key's failures (the account after a successful login or a password reset). */
export async function clearThrottle(tx: DbTx, key: string): Promise<void> {
  await tx.loginThrottle.deleteMany({ where: { key } });
}

/** Deletes rows whose failures are forgotten anyway (a scheduled job keeps the table small). */
export async function purgeForgottenThrottles(db: DbTx, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - FORGET_AFTER_MS);
  const { count } = await db.loginThrottle.deleteMany({ where: { lastFailureAt: { lt: cutoff } } });
  const stale = new Date(now.getTime() - KNOWN_DEVICE_TTL_MS);
  await db.knownDevice.deleteMany({ where: { lastSeenAt: { lt: stale } } });
  return count;
}

// ─── known devices ───

/** The tokens a known-device cookie carries (base64url tokens joined by dots), junk dropped. */
export function deviceTokens(cookie: string | undefined): string[] {
  if (!cookie || cookie.length > 400) return [];
  return cookie
    .split('.')
    .filter((t) => /^[A-Za-z0-9_-]{43}$/.test(t))
    .slice(0, MAX_DEVICE_TOKENS);
}

/** Whether one of the browser's tokens is a known device of the account with this login name. */
export async function isKnownDevice(db: DbTx, tokens: string[], username: string): Promise<boolean> {
  if (tokens.length === 0) return false;
  const found = await db.knownDevice.count({
    where: { tokenHash: { in: tokens.map(sha256) }, user: { username: username.trim().toLowerCase() } },
  });
  return found > 0;
}

/**
 * After a successful login: marks this browser as a known device of the user. Keeps the browser's token
 * for this user if it has one (touching it), else adds a new one. Returns the cookie's new value.
 */
export async function rememberDevice(tx: DbTx, userId: number, tokens: string[], now: Date): Promise<string> {
  const hashes = tokens.map(sha256);
  const mine = await tx.knownDevice.findFirst({ where: { tokenHash: { in: hashes }, userId }, select: { tokenHash: true } });
  if (mine) {
    await tx.knownDevice.update({ where: { tokenHash: mine.tokenHash }, data: { lastSeenAt: now } });
    return tokens.join('.');
  }
  const token = randomBytes(32).toString('base64url');
  await tx.knownDevice.create({ data: { tokenHash: sha256(token), userId, createdAt: now, lastSeenAt: now } });
  return [token, ...tokens].slice(0, MAX_DEVICE_TOKENS).join('.');
}

export const KNOWN_DEVICE_MAX_AGE_SECONDS = Math.floor(KNOWN_DEVICE_TTL_MS / 1000);

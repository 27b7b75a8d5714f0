/**
 * Login throttling that slows guessing without ever locking an account against its owner.
 *
 * Failed logins are counted per account and per client address. After a few free failures, each further
 * failure makes the key wait before the next attempt, doubling up to a cap: guessing slows to a crawl,
 * while the real owner at worst waits the cap (a minute), never a lock-out. A browser that has logged in
 * to the account before (a "known device") skips both waits for that account, so a stranger hammering a
 * username cannot keep its owner out at all. Counts are forgotten after an hour without failures.
 */
export interface DelayPolicy {
  /** Failures allowed before any wait. */
  free: number;
  /** The first wait, in ms; each further failure doubles it. */
  baseMs: number;
  /** The longest wait, in ms. */
  capMs: number;
}

export const ACCOUNT_POLICY: DelayPolicy = { free: 3, baseMs: 2_000, capMs: 60_000 };
/** Addresses can hide a whole office behind one NAT: more free failures, the same cap. */
export const ADDRESS_POLICY: DelayPolicy = { free: 10, baseMs: 1_000, capMs: 60_000 };
/** A key's failures are forgotten this long after its last one. */
export const FORGET_AFTER_MS = 60 * 60 * 1000;

/** The wait imposed after a key's `failures`-th consecutive failure. */
export function delayAfter(failures: number, policy: DelayPolicy): number {
  if (!Number.isInteger(failures) || failures <= policy.free) return 0;
  const exponent = Math.min(failures - policy.free - 1, 30);
  return Math.min(policy.baseMs * 2 ** exponent, policy.capMs);
}

export interface ThrottleState {
  failures: number;
  lastFailureAt: Date;
  nextAllowedAt: Date;
}

/** Milliseconds the key must still wait at `now` (0: it may try). */
export function waitMs(state: ThrottleState | null, now: Date): number {
  if (!state) return 0;
  if (now.getTime() - state.lastFailureAt.getTime() > FORGET_AFTER_MS) return 0;
  return Math.max(0, state.nextAllowedAt.getTime() - now.getTime());
}

/** The key's state after one more failure at `now`. */
export function afterFailure(state: ThrottleState | null, now: Date, policy: DelayPolicy): ThrottleState {
  const stale = !state || now.getTime() - state.lastFailureAt.getTime() > FORGET_AFTER_MS;
  const failures = (stale ? 0 : state.failures) + 1;
  return { failures, lastFailureAt: now, nextAllowedAt: new Date(now.getTime() + delayAfter(failures, policy)) };
}

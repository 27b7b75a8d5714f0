import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  FORGET_AFTER_MS,
  afterFailure,
  delayAfter,
  waitMs,
  type ThrottleState,
} from '../../src/domain/login-delay.ts';

describe('delayAfter', () => {
  it.each([
    [0, 0],
    [1, 0],
    [3, 0],
    [4, 2_000],
    [5, 4_000],
    [6, 8_000],
    [8, 32_000],
    [9, 60_000],
    [50, 60_000],
    [10_000, 60_000],
  ])('an account waits after failure %i: %i ms', (failures, expected) => {
    expect(delayAfter(failures, ACCOUNT_POLICY)).toBe(expected);
  });

  it.each([
    [10, 0],
    [11, 1_000],
    [12, 2_000],
    [17, 60_000],
  ])('an address waits after failure %i: %i ms', (failures, expected) => {
    expect(delayAfter(failures, ADDRESS_POLICY)).toBe(expected);
  });

  it('never waits longer than a minute, however long the attack', () => {
    for (let n = 0; n < 200; n++) expect(delayAfter(n, ACCOUNT_POLICY)).toBeLessThanOrEqual(60_000);
  });
});

describe('waitMs and afterFailure', () => {
  const t0 = new Date('2026-11-30T02:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);

  it('lets a key with no failures try at once', () => {
    expect(waitMs(null, t0)).toBe(0);
  });

  it('counts consecutive failures and sets the next allowed time', () => {
    let state: ThrottleState | null = null;
    for (let i = 0; i < 4; i++) state = afterFailure(state, t0, ACCOUNT_POLICY);
    expect(state!.failures).toBe(4);
    expect(waitMs(state, t0)).toBe(2_000);
    expect(waitMs(state, at(1_500))).toBe(500);
    expect(waitMs(state, at(2_000))).toBe(0);
  });

  it('forgets failures an hour after the last one', () => {
    let state: ThrottleState | null = null;
    for (let i = 0; i < 9; i++) state = afterFailure(state, t0, ACCOUNT_POLICY);
    expect(waitMs(state, at(FORGET_AFTER_MS + 1))).toBe(0);
    const next = afterFailure(state, at(FORGET_AFTER_MS + 1), ACCOUNT_POLICY);
    expect(next.failures).toBe(1);
    expect(waitMs(next, at(FORGET_AFTER_MS + 1))).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import {
  agendaReason,
  canChase,
  currentDeadline,
  deadlineWarningDue,
  intSetting,
  shanghaiDay,
  warnedParty,
  warningLeadMs,
  type ChaseCheck,
} from '../../src/domain/reminders.ts';

const at = (iso: string): Date => new Date(iso);
const HOUR = 3_600_000;

// An ordinary issue filed 2026-11-20 10:00 Shanghai: respond within 24 h, resolve within 7 days.
const FILED = at('2026-11-20T02:00:00Z');
const RESPOND_BY = at('2026-11-21T02:00:00Z');
const RESOLVE_BY = at('2026-11-27T02:00:00Z');

describe('currentDeadline', () => {
  it.each([
    ['submitted works to the response deadline', 'submitted', { kind: 'respond', at: RESPOND_BY }],
    ['accepted works to the resolution deadline', 'accepted', { kind: 'resolve', at: RESOLVE_BY }],
    ['in progress works to the resolution deadline', 'in_progress', { kind: 'resolve', at: RESOLVE_BY }],
    ['awaiting a meeting still works to the resolution deadline', 'awaiting_meeting', { kind: 'resolve', at: RESOLVE_BY }],
    ['resolved has none', 'resolved', null],
    ['closed has none', 'closed', null],
    ['rejected has none', 'rejected', null],
  ])('%s', (_name, state, expected) => {
    expect(currentDeadline({ state, respondBy: RESPOND_BY, resolveBy: RESOLVE_BY })).toEqual(expected);
  });
});

describe('warningLeadMs', () => {
  it.each([
    ['an ordinary 7-day window takes the setting', 4, FILED, RESOLVE_BY, 4 * HOUR],
    ['a 24-hour response takes the setting (a quarter would be 6 h)', 4, FILED, RESPOND_BY, 4 * HOUR],
    ['an emergency 2-hour response is capped at a quarter: 30 minutes', 4, FILED, new Date(FILED.getTime() + 2 * HOUR), HOUR / 2],
    ['a long setting is capped at a quarter of the window', 168, FILED, RESOLVE_BY, 42 * HOUR],
    ['a deadline before filing leaves no lead', 4, FILED, new Date(FILED.getTime() - HOUR), 0],
  ])('%s', (_name, hours, filed, deadline, expected) => {
    expect(warningLeadMs(hours, filed, deadline)).toBe(expected);
  });
});

describe('deadlineWarningDue', () => {
  const issue = (state: string, warnedAt: Date | null = null) => ({
    state,
    respondBy: RESPOND_BY,
    resolveBy: RESOLVE_BY,
    createdAt: FILED,
    deadlineWarnedAt: warnedAt,
  });
  it.each([
    ['submitted, 5 h before the response deadline: not yet', 'submitted', null, '2026-11-20T21:00:00Z', null],
    ['submitted, exactly 4 h before: warned', 'submitted', null, '2026-11-20T22:00:00Z', { kind: 'respond', at: RESPOND_BY }],
    [
      'submitted, at the deadline itself: still warned',
      'submitted',
      null,
      '2026-11-21T02:00:00Z',
      { kind: 'respond', at: RESPOND_BY },
    ],
    ['submitted, a minute past: the overdue notice takes over', 'submitted', null, '2026-11-21T02:01:00Z', null],
    ['accepted, 3 h before resolution: warned', 'accepted', null, '2026-11-26T23:00:00Z', { kind: 'resolve', at: RESOLVE_BY }],
    [
      'in progress, 1 h before resolution: warned',
      'in_progress',
      null,
      '2026-11-27T01:00:00Z',
      { kind: 'resolve', at: RESOLVE_BY },
    ],
    ['in progress, already warned: once only', 'in_progress', at('2026-11-26T23:00:00Z'), '2026-11-27T01:00:00Z', null],
    ["awaiting a meeting: in the meeting's hands", 'awaiting_meeting', null, '2026-11-27T01:00:00Z', null],
    ["awaiting a vote: in the owners' hands", 'awaiting_vote', null, '2026-11-27T01:00:00Z', null],
    ['resolved: nothing to warn about', 'resolved', null, '2026-11-27T01:00:00Z', null],
  ])('%s', (_name, state, warnedAt, now, expected) => {
    expect(deadlineWarningDue(issue(state, warnedAt), at(now), 4)).toEqual(expected);
  });

  it('warns an emergency response 30 minutes ahead, not when it is filed', () => {
    const emergency = { ...issue('submitted'), respondBy: new Date(FILED.getTime() + 2 * HOUR) };
    expect(deadlineWarningDue(emergency, new Date(FILED.getTime() + 60_000), 4)).toBeNull();
    expect(deadlineWarningDue(emergency, new Date(FILED.getTime() + 89 * 60_000), 4)).toBeNull();
    expect(deadlineWarningDue(emergency, new Date(FILED.getTime() + 90 * 60_000), 4)).toEqual({
      kind: 'respond',
      at: emergency.respondBy,
    });
  });
});

describe('warnedParty', () => {
  it.each([
    ['the community accepts a submitted issue', 'submitted', null, 'community'],
    ['the property holds its accepted issue', 'accepted', 'property', 'property'],
    ['the committee holds its issue in progress', 'in_progress', 'committee', 'committee'],
    ['an outside unit is followed by the community (partyRecipients)', 'in_progress', 'outside', 'outside'],
    ['an issue without a party falls to the community', 'accepted', null, 'community'],
  ])('%s', (_name, state, assignedParty, expected) => {
    expect(warnedParty({ state, assignedParty })).toBe(expected);
  });
});

describe('shanghaiDay', () => {
  it.each([
    ['15:59 UTC is 23:59 in Shanghai', '2026-11-20T15:59:00Z', '2026-11-20'],
    ['16:00 UTC is the next Shanghai day', '2026-11-20T16:00:00Z', '2026-11-21'],
    ['the year turns at 16:00 UTC on 31 December', '2026-12-31T16:00:00Z', '2027-01-01'],
  ])('%s', (_name, iso, expected) => {
    expect(shanghaiDay(at(iso))).toBe(expected);
  });
});

describe('canChase', () => {
  const issue = (state: string, lastChasedAt: string | null = null) => ({
    state,
    respondBy: RESPOND_BY,
    resolveBy: RESOLVE_BY,
    lastChasedAt: lastChasedAt === null ? null : at(lastChasedAt),
  });
  it.each<[string, string, string | null, string, ChaseCheck]>([
    [
      'submitted before its response deadline: not yet',
      'submitted',
      null,
      '2026-11-21T01:00:00Z',
      { ok: false, reason: 'not_overdue' },
    ],
    [
      'submitted exactly at the deadline: still on time',
      'submitted',
      null,
      '2026-11-21T02:00:00Z',
      { ok: false, reason: 'not_overdue' },
    ],
    ['submitted past its response deadline: may chase', 'submitted', null, '2026-11-21T02:01:00Z', { ok: true }],
    [
      'accepted past the response but not the resolution deadline: not yet',
      'accepted',
      null,
      '2026-11-22T00:00:00Z',
      { ok: false, reason: 'not_overdue' },
    ],
    ['in progress past resolution: may chase', 'in_progress', null, '2026-11-27T03:00:00Z', { ok: true }],
    ['awaiting a meeting past resolution: may chase', 'awaiting_meeting', null, '2026-11-27T03:00:00Z', { ok: true }],
    [
      "awaiting an owners' vote: no chase moves a vote",
      'awaiting_vote',
      null,
      '2026-11-27T03:00:00Z',
      { ok: false, reason: 'not_open' },
    ],
    ['resolved: nothing to chase', 'resolved', null, '2026-11-27T03:00:00Z', { ok: false, reason: 'not_open' }],
    ['closed: nothing to chase', 'closed', null, '2026-11-27T03:00:00Z', { ok: false, reason: 'not_open' }],
    [
      'chased this morning (Shanghai): not again today',
      'in_progress',
      '2026-11-27T02:30:00Z',
      '2026-11-27T15:59:00Z',
      { ok: false, reason: 'chased_today' },
    ],
    [
      'chased at 23:00 Shanghai: again after midnight',
      'in_progress',
      '2026-11-27T15:00:00Z',
      '2026-11-27T16:00:00Z',
      { ok: true },
    ],
    ['chased yesterday: again today', 'in_progress', '2026-11-27T03:00:00Z', '2026-11-28T03:00:00Z', { ok: true }],
  ])('%s', (_name, state, last, now, expected) => {
    expect(canChase(issue(state, last), at(now))).toEqual(expected);
  });
});

describe('agendaReason', () => {
  const rules = { overdueDays: 3, bouncingThreshold: 2 };
  const issue = (state: string, handoffCount = 0) => ({ state, respondBy: RESPOND_BY, resolveBy: RESOLVE_BY, handoffCount });
  it.each([
    ['in progress, 2 days 23 h past resolution: not yet', issue('in_progress'), '2026-11-30T01:00:00Z', null],
    ['in progress, exactly 3 days past resolution: overdue', issue('in_progress'), '2026-11-30T02:00:00Z', 'overdue'],
    ['accepted, 4 days past resolution: overdue', issue('accepted'), '2026-12-01T02:00:00Z', 'overdue'],
    ['submitted, 3 days past the response deadline: overdue', issue('submitted'), '2026-11-24T02:00:00Z', 'overdue'],
    ['handed off twice, on time: bouncing', issue('in_progress', 2), '2026-11-22T00:00:00Z', 'bouncing'],
    ['handed off once, on time: nothing', issue('accepted', 1), '2026-11-22T00:00:00Z', null],
    ['bouncing and overdue: bouncing comes first', issue('accepted', 3), '2026-12-05T00:00:00Z', 'bouncing'],
    ['awaiting a meeting already: proposed as such, not here', issue('awaiting_meeting', 3), '2026-12-05T00:00:00Z', null],
    ['awaiting a vote: the vote decides', issue('awaiting_vote'), '2026-12-05T00:00:00Z', null],
    ['resolved: nothing to propose', issue('resolved', 3), '2026-12-05T00:00:00Z', null],
  ])('%s', (_name, subject, now, expected) => {
    expect(agendaReason(subject, at(now), rules)).toBe(expected);
  });

  it("applies the estate's own bouncing threshold", () => {
    expect(
      agendaReason(issue('in_progress', 2), at('2026-11-22T00:00:00Z'), { overdueDays: 3, bouncingThreshold: 3 }),
    ).toBeNull();
    expect(agendaReason(issue('in_progress', 3), at('2026-11-22T00:00:00Z'), { overdueDays: 3, bouncingThreshold: 3 })).toBe(
      'bouncing',
    );
  });
});

describe('intSetting', () => {
  const bounds = { min: 1, max: 90 };
  it.each([
    ['missing: the default', null, 3],
    ['a number in bounds', '5', 5],
    ['spaces around it', ' 7 ', 7],
    ['zero is below the bounds: the default', '0', 3],
    ['too large: the default', '91', 3],
    ['not a whole number: the default', '2.5', 3],
    ['text: the default', 'three', 3],
  ])('%s', (_name, raw, expected) => {
    expect(intSetting(raw, 3, bounds)).toBe(expected);
  });
});

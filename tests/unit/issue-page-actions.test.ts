import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/actor.ts';
import { actionsFor, isOverdueNow } from '../../src/modules/issues/index.ts';

const actor = (role: Actor['role'], userId = 1): Actor => ({
  userId,
  username: `u${userId}`,
  displayName: 'x',
  role,
  communityId: 1,
  estateIds: [1],
  homeEstateId: role === 'resident' ? 1 : null,
  unitId: null,
  buildingId: null,
  isTenant: false,
  verified: true,
  orgName: '',
  locale: 'zh-CN',
  sessionId: 's',
});

describe('the actions an issue page offers', () => {
  it.each([
    ['community', 'submitted', null, 2, ['accept', 'reject', 'mark_duplicate']],
    ['property', 'submitted', null, 2, []],
    ['property', 'accepted', 'property', 2, ['start', 'escalate', 'mark_duplicate']],
    ['committee', 'accepted', 'property', 2, ['escalate']],
    ['community', 'accepted', 'property', 2, ['reassign', 'escalate', 'mark_duplicate']],
    ['property', 'in_progress', 'property', 2, ['escalate', 'handoff', 'resolve', 'open_vote', 'mark_duplicate']],
    ['committee', 'in_progress', 'property', 2, ['escalate']],
    ['resident', 'resolved', 'property', 1, ['confirm', 'reopen']],
    ['resident', 'resolved', 'property', 2, []],
    ['resident', 'closed', 'property', 1, ['reopen']],
    ['resident', 'closed', 'property', 2, []],
    ['community', 'closed', 'property', 2, []],
    ['resident', 'rejected', null, 1, []],
    ['admin', 'submitted', null, 2, []],
    ['community', 'awaiting_meeting', 'property', 2, []],
  ] as const)('%s on a %s issue assigned to %s (reporter %i) gets %j', (role, state, party, reporterId, expected) => {
    const got = actionsFor(actor(role, 1), { state, reporterId, assignedParty: party });
    expect([...got].sort()).toEqual([...expected].sort());
  });
});

describe('whether an issue is overdue', () => {
  const now = new Date('2026-11-20T12:00:00Z');
  const before = new Date('2026-11-20T11:00:00Z');
  const after = new Date('2026-11-20T13:00:00Z');
  it.each([
    ['submitted', before, after, true],
    ['submitted', after, after, false],
    ['accepted', before, after, false],
    ['in_progress', after, before, true],
    ['awaiting_vote', after, before, true],
    ['resolved', before, before, false],
    ['closed', before, before, false],
    ['rejected', before, before, false],
    ['accepted', after, now, false],
  ] as const)('%s with respondBy %s and resolveBy %s: %s', (state, respondBy, resolveBy, overdue) => {
    expect(isOverdueNow({ state, respondBy, resolveBy }, now)).toBe(overdue);
  });
});

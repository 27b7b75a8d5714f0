import { describe, expect, it } from 'vitest';
import {
  ISSUE_ACTIONS,
  ISSUE_STATES,
  SYSTEM_ACTOR,
  actsForParty,
  availableActions,
  canSubmit,
  isBouncing,
  requiredFields,
  transition,
  validateTransitionInput,
} from '../../src/domain/issue-workflow.ts';
import type {
  Actor,
  FieldError,
  IssueAction,
  IssueState,
  Party,
  Role,
  SystemActor,
  TransitionInput,
  TransitionResult,
} from '../../src/domain/issue-workflow.ts';

function user(role: Role, flags: { isReporter?: boolean; isAssignedParty?: boolean } = {}): Actor {
  return { role, userId: 7, isReporter: flags.isReporter ?? false, isAssignedParty: flags.isAssignedParty ?? false };
}

const ACTORS = {
  'the reporting resident': user('resident', { isReporter: true }),
  'another resident': user('resident'),
  'the assigned property staff': user('property', { isAssignedParty: true }),
  'unassigned property staff': user('property'),
  'the assigned committee member': user('committee', { isAssignedParty: true }),
  'an unassigned committee member': user('committee'),
  'community staff of the assigned party': user('community', { isAssignedParty: true }),
  'community staff, another party assigned': user('community'),
  // Flags set to prove an admin gets no workflow power from them.
  'an admin flagged reporter and assigned': user('admin', { isReporter: true, isAssignedParty: true }),
  'the system': SYSTEM_ACTOR,
} satisfies Record<string, Actor | SystemActor>;
type ActorName = keyof typeof ACTORS;

const REPORTER: ActorName[] = ['the reporting resident'];
const COMMUNITY: ActorName[] = ['community staff of the assigned party', 'community staff, another party assigned'];
const ASSIGNED: ActorName[] = [
  'the assigned property staff',
  'the assigned committee member',
  'community staff of the assigned party',
];
const ANY_PARTY: ActorName[] = [
  ...ASSIGNED,
  'unassigned property staff',
  'an unassigned committee member',
  'community staff, another party assigned',
];
const SYSTEM: ActorName[] = ['the system'];
/** Closing a duplicate: community staff triaging it, or the party working it. */
const COMMUNITY_OR_ASSIGNED: ActorName[] = [...new Set([...COMMUNITY, ...ASSIGNED])];

/** The workflow of docs/domain.md, written out independently of the module's table. */
const ALLOWED: ReadonlyArray<readonly [IssueState, ActorName[], IssueAction, IssueState]> = [
  ['submitted', COMMUNITY, 'accept', 'accepted'],
  ['submitted', COMMUNITY, 'reject', 'rejected'],
  ['submitted', COMMUNITY_OR_ASSIGNED, 'mark_duplicate', 'closed'],
  ['accepted', COMMUNITY_OR_ASSIGNED, 'mark_duplicate', 'closed'],
  ['in_progress', COMMUNITY_OR_ASSIGNED, 'mark_duplicate', 'closed'],
  ['accepted', ASSIGNED, 'start', 'in_progress'],
  ['accepted', ANY_PARTY, 'escalate', 'awaiting_meeting'],
  ['accepted', COMMUNITY, 'reassign', 'accepted'],
  ['in_progress', ASSIGNED, 'resolve', 'resolved'],
  ['in_progress', ASSIGNED, 'open_vote', 'awaiting_vote'],
  ['in_progress', ANY_PARTY, 'escalate', 'awaiting_meeting'],
  ['in_progress', ASSIGNED, 'handoff', 'accepted'],
  ['in_progress', COMMUNITY, 'reassign', 'accepted'],
  ['awaiting_meeting', SYSTEM, 'meeting_assign', 'accepted'],
  ['awaiting_meeting', SYSTEM, 'meeting_reject', 'rejected'],
  ['awaiting_meeting', SYSTEM, 'meeting_open_vote', 'awaiting_vote'],
  ['awaiting_meeting', SYSTEM, 'meeting_defer', 'awaiting_meeting'],
  ['awaiting_vote', SYSTEM, 'vote_passed', 'in_progress'],
  ['awaiting_vote', SYSTEM, 'vote_failed', 'awaiting_meeting'],
  ['awaiting_vote', SYSTEM, 'emergency_fund_confirmed', 'in_progress'],
  ['awaiting_vote', SYSTEM, 'vote_cancelled', 'in_progress'],
  ['awaiting_vote', SYSTEM, 'vote_cancelled_to_meeting', 'awaiting_meeting'],
  ['resolved', REPORTER, 'confirm', 'closed'],
  ['resolved', REPORTER, 'reopen', 'in_progress'],
  ['resolved', SYSTEM, 'auto_close', 'closed'],
];

function expectedResult(state: IssueState, actor: ActorName, action: IssueAction): TransitionResult {
  const moves = ALLOWED.filter(([s, , a]) => s === state && a === action);
  if (moves.length === 0) return { ok: false, error: 'invalid_action_for_state' };
  const allowed = moves.find(([, actors]) => actors.includes(actor));
  return allowed ? { ok: true, to: allowed[3] } : { ok: false, error: 'not_allowed_for_role' };
}

const STATES = Object.values(ISSUE_STATES);
const ACTOR_NAMES = Object.keys(ACTORS) as ActorName[];

const cases = STATES.flatMap((state) =>
  ACTOR_NAMES.flatMap((actor) =>
    ISSUE_ACTIONS.map((action) => {
      const expected = expectedResult(state, actor, action);
      return { state, actor, action, expected, outcome: expected.ok ? `-> ${expected.to}` : expected.error };
    }),
  ),
);

describe('transition', () => {
  it('walks every state, actor and action', () => {
    expect(cases).toHaveLength(8 * 10 * 22);
  });

  it.each(cases)('in $state, $actor doing $action: $outcome', ({ state, actor, action, expected }) => {
    expect(transition(state, ACTORS[actor], action)).toEqual(expected);
  });

  it('lets community staff act for an outside unit assigned the issue', () => {
    const staff = user('community', { isAssignedParty: actsForParty('community', 'outside') });
    expect(transition('accepted', staff, 'start')).toEqual({ ok: true, to: 'in_progress' });
  });
});

describe('availableActions', () => {
  const rows = STATES.flatMap((state) =>
    ACTOR_NAMES.map((actor) => ({
      state,
      actor,
      expected: ISSUE_ACTIONS.filter((action) => expectedResult(state, actor, action).ok),
    })),
  );

  it.each(rows)('in $state, $actor sees $expected', ({ state, actor, expected }) => {
    expect(availableActions(state, ACTORS[actor])).toEqual(expected);
  });
});

describe('actsForParty', () => {
  it.each<[Role, Party | null, boolean]>([
    ['property', 'property', true],
    ['committee', 'committee', true],
    ['community', 'community', true],
    ['community', 'outside', true],
    ['property', 'committee', false],
    ['committee', 'outside', false],
    ['resident', 'property', false],
    ['admin', 'community', false],
    ['community', null, false],
  ])('%s acts for %s: %s', (role, party, expected) => {
    expect(actsForParty(role, party)).toBe(expected);
  });
});

describe('canSubmit', () => {
  it.each<[string, Actor | SystemActor, boolean]>([
    ['a resident', user('resident'), true],
    ['property staff recording a phone report', user('property'), true],
    ['a committee member', user('committee'), true],
    ['community staff', user('community'), true],
    ['an admin', user('admin'), false],
    ['the system', SYSTEM_ACTOR, false],
  ])('%s may file an issue: %s', (_who, actor, expected) => {
    expect(canSubmit(actor)).toBe(expected);
  });
});

describe('requiredFields', () => {
  it.each<[IssueAction, string[]]>([
    ['accept', ['party', 'dueAt']],
    ['reject', ['reason']],
    ['reassign', ['party', 'dueAt']],
    ['handoff', ['party', 'reason']],
    ['resolve', ['note']],
    ['confirm', ['rating']],
    ['meeting_assign', ['party', 'dueAt']],
    ['meeting_reject', ['reason']],
    ['start', []],
    ['escalate', []],
    ['reopen', []],
    ['auto_close', []],
    ['mark_duplicate', []],
  ])('%s requires %j', (action, expected) => {
    expect(requiredFields(action)).toEqual(expected);
  });
});

describe('validateTransitionInput', () => {
  const now = new Date('2026-11-27T10:00:00Z');
  const later = new Date('2026-11-28T10:00:00Z');
  const long = '漏'.repeat(2001);
  // 2000 characters even though emoji take two UTF-16 units each.
  const longestEmoji = '💧'.repeat(2000);

  it.each<[string, IssueAction, TransitionInput, Party | null, FieldError[]]>([
    ['an accept with party and due date passes', 'accept', { party: 'property', dueAt: later }, null, []],
    [
      'an accept without party or due date fails on both',
      'accept',
      {},
      null,
      [
        { field: 'party', code: 'required' },
        { field: 'dueAt', code: 'required' },
      ],
    ],
    ['an accept to an unknown party', 'accept', { party: 'police', dueAt: later }, null, [{ field: 'party', code: 'invalid' }]],
    [
      'an accept due in the past',
      'accept',
      { party: 'property', dueAt: new Date('2026-11-26T10:00:00Z') },
      null,
      [{ field: 'dueAt', code: 'in_past' }],
    ],
    ['an accept due right now', 'accept', { party: 'property', dueAt: now }, null, [{ field: 'dueAt', code: 'in_past' }]],
    [
      'an accept with an invalid date',
      'accept',
      { party: 'property', dueAt: new Date('nope') },
      null,
      [{ field: 'dueAt', code: 'invalid' }],
    ],
    ['a reject without a reason', 'reject', {}, null, [{ field: 'reason', code: 'required' }]],
    ['a reject with a blank reason', 'reject', { reason: '  \n ' }, null, [{ field: 'reason', code: 'required' }]],
    ['a reject with a reason', 'reject', { reason: '不属于本小区' }, null, []],
    ['a reject with a reason too long', 'reject', { reason: long }, null, [{ field: 'reason', code: 'too_long' }]],
    ['a resolve without a note', 'resolve', {}, 'property', [{ field: 'note', code: 'required' }]],
    ['a resolve with 2000 emoji', 'resolve', { note: longestEmoji }, 'property', []],
    ['a resolve with a note too long', 'resolve', { note: long }, 'property', [{ field: 'note', code: 'too_long' }]],
    ['an optional note too long on escalate', 'escalate', { note: long }, 'property', [{ field: 'note', code: 'too_long' }]],
    ['a handoff to another party', 'handoff', { party: 'community', reason: '属公共安全' }, 'property', []],
    [
      'a handoff to the same party',
      'handoff',
      { party: 'property', reason: '不是我们' },
      'property',
      [{ field: 'party', code: 'same_party' }],
    ],
    [
      'a handoff without party or reason',
      'handoff',
      {},
      'property',
      [
        { field: 'reason', code: 'required' },
        { field: 'party', code: 'required' },
      ],
    ],
    [
      'a handoff needs no due date (the old one stands)',
      'handoff',
      { party: 'outside', reason: '需派出所处理' },
      'community',
      [],
    ],
    ['a reassign may keep the party to grant more time', 'reassign', { party: 'property', dueAt: later }, 'property', []],
    [
      'a meeting assign in the past',
      'meeting_assign',
      { party: 'committee', dueAt: now },
      null,
      [{ field: 'dueAt', code: 'in_past' }],
    ],
    ['a meeting reject without a reason', 'meeting_reject', { reason: '' }, null, [{ field: 'reason', code: 'required' }]],
    ['a confirm with a rating', 'confirm', { rating: 'basically_satisfied' }, 'property', []],
    ['a confirm without a rating', 'confirm', {}, 'property', [{ field: 'rating', code: 'required' }]],
    ['a confirm with an unknown rating', 'confirm', { rating: 'meh' }, 'property', [{ field: 'rating', code: 'invalid' }]],
    ['a start ignores fields it does not take', 'start', { party: 'nobody', dueAt: new Date(0) }, 'property', []],
  ])('%s', (_name, action, input, currentParty, expected) => {
    expect(validateTransitionInput(action, input, currentParty, now)).toEqual(expected);
  });
});

describe('isBouncing', () => {
  it.each([
    [0, false],
    [1, false],
    [2, true],
    [5, true],
  ])('an issue handed off %i times is bouncing: %s', (handoffs, expected) => {
    expect(isBouncing(handoffs)).toBe(expected);
  });
});

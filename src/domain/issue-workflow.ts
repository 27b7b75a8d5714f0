/**
 * The issue (诉求) workflow of docs/domain.md: its states, who may move an issue out of each, and what each
 * move must carry.
 *
 * Pure: the caller loads the issue and works out who the actor is to it (reporter? assigned party?), asks
 * `transition`, then writes the new state and its IssueEvent in one transaction.
 *
 * Hand-off (转办) semantics, decided here because the specification only names the move:
 * - Only the assigned party hands off, and only from in_progress: the party has taken the issue and looked
 *   at it, so the event on the timeline is a party declining it after inspection, which is what bouncing
 *   (推诿) counts. A party that thinks it was wrongly assigned before starting escalates instead.
 * - The issue goes back to accepted under the new party, which must `start` it itself: nobody takes work on
 *   behalf of another party, and queues show it as not yet taken.
 * - The due dates are NOT reset: passing an issue on does not buy time, the resident's clock keeps running.
 * - Every hand-off adds one to the issue's hand-off count (derived from its events); two make it bouncing.
 * - Community reassign is not a hand-off: it is the coordinator's dispatch (often correcting its own
 *   assignment), so it sets a new party and due date and does not count towards bouncing. It may keep the
 *   same party, which is how the community grants more time.
 */

import type { FieldError } from '../errors.ts';
import type { Role } from './roles.ts';

// One Role and one FieldError in the app (roles.ts, errors.ts): re-exported for this rule's callers.
export type { FieldError, Role };

export const ISSUE_STATES = {
  submitted: 'submitted',
  accepted: 'accepted',
  in_progress: 'in_progress',
  awaiting_meeting: 'awaiting_meeting',
  awaiting_vote: 'awaiting_vote',
  resolved: 'resolved',
  closed: 'closed',
  rejected: 'rejected',
} as const;
export type IssueState = (typeof ISSUE_STATES)[keyof typeof ISSUE_STATES];

/** Filing creates the issue in this state; its first event is the `submit` action with no from-state. */
export const INITIAL_STATE: IssueState = ISSUE_STATES.submitted;

/** States in which the issue still waits on someone other than the reporter (overdue counts these). */
export const OPEN_STATES: readonly IssueState[] = [
  ISSUE_STATES.submitted,
  ISSUE_STATES.accepted,
  ISSUE_STATES.in_progress,
  ISSUE_STATES.awaiting_meeting,
  ISSUE_STATES.awaiting_vote,
];

/** Who an issue is assigned to. 'outside' is an outside unit (e.g. the community police officer). */
export const PARTIES = ['property', 'committee', 'community', 'outside'] as const;
export type Party = (typeof PARTIES)[number];

export const ISSUE_ACTIONS = [
  'submit',
  'accept',
  'reject',
  'reassign',
  'start',
  'escalate',
  'handoff',
  'resolve',
  'open_vote',
  'confirm',
  'reopen',
  'auto_close',
  'meeting_assign',
  'meeting_reject',
  'meeting_open_vote',
  'meeting_defer',
  'vote_passed',
  'vote_failed',
  'emergency_fund_confirmed',
  'vote_cancelled',
  'vote_cancelled_to_meeting',
  'mark_duplicate',
] as const;
export type IssueAction = (typeof ISSUE_ACTIONS)[number];

export const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Rating = (typeof RATINGS)[number];

/** A signed-in user, as seen from one issue. */
export interface Actor {
  readonly role: Role;
  readonly userId: number;
  /** This user filed the issue. */
  readonly isReporter: boolean;
  /** The user's role acts for the issue's assigned party: compute it with `actsForParty`. */
  readonly isAssignedParty: boolean;
}

/**
 * The scheduler (auto-close), and the meeting and vote modules applying a result. Those results are
 * authorised where they are made (a quorate joint meeting, a closed tally, a community confirmation of
 * emergency fund use), so no user may take these actions directly on an issue.
 */
export interface SystemActor {
  readonly role: 'system';
}
export const SYSTEM_ACTOR: SystemActor = Object.freeze({ role: 'system' });

/** Community staff act for the community and for outside units, who have no accounts of their own. */
const ROLE_ACTING_FOR: Readonly<Record<Party, Role>> = {
  property: 'property',
  committee: 'committee',
  community: 'community',
  outside: 'community',
};

export function actsForParty(role: Role, party: Party | null): boolean {
  return party !== null && ROLE_ACTING_FOR[party] === role;
}

/** Staff of the three parties of 三方联动; residents and admins are not parties. */
function isPartyStaff(role: Role): boolean {
  return role === 'property' || role === 'committee' || role === 'community';
}

/** Filing is open to residents and to party staff recording a report made by phone or in person. */
export function canSubmit(actor: Actor | SystemActor): boolean {
  return actor.role === 'resident' || (actor.role !== 'system' && isPartyStaff(actor.role));
}

type Mover = 'community' | 'assigned_party' | 'community_or_assigned' | 'any_party' | 'reporter' | 'system';

interface Rule {
  readonly by: Mover;
  readonly to: IssueState;
}

/**
 * The whole workflow. A (state, action) pair absent here is not a move at all; a present one may still be
 * refused to this actor. Admins appear nowhere: they administer accounts and settings, not issues.
 */
const TRANSITIONS: Readonly<Record<IssueState, Readonly<Partial<Record<IssueAction, Rule>>>>> = {
  // A duplicate (the same problem already reported) is closed into its original, never resolved: the
  // community triaging it, or the party working it, recognises it before anyone works it twice.
  submitted: {
    accept: { by: 'community', to: 'accepted' },
    reject: { by: 'community', to: 'rejected' },
    mark_duplicate: { by: 'community_or_assigned', to: 'closed' },
  },
  accepted: {
    start: { by: 'assigned_party', to: 'in_progress' },
    escalate: { by: 'any_party', to: 'awaiting_meeting' },
    reassign: { by: 'community', to: 'accepted' },
    mark_duplicate: { by: 'community_or_assigned', to: 'closed' },
  },
  in_progress: {
    resolve: { by: 'assigned_party', to: 'resolved' },
    open_vote: { by: 'assigned_party', to: 'awaiting_vote' },
    escalate: { by: 'any_party', to: 'awaiting_meeting' },
    handoff: { by: 'assigned_party', to: 'accepted' },
    reassign: { by: 'community', to: 'accepted' },
    mark_duplicate: { by: 'community_or_assigned', to: 'closed' },
  },
  awaiting_meeting: {
    meeting_assign: { by: 'system', to: 'accepted' },
    meeting_reject: { by: 'system', to: 'rejected' },
    meeting_open_vote: { by: 'system', to: 'awaiting_vote' },
    meeting_defer: { by: 'system', to: 'awaiting_meeting' },
  },
  awaiting_vote: {
    vote_passed: { by: 'system', to: 'in_progress' },
    vote_failed: { by: 'system', to: 'awaiting_meeting' },
    // The caller checks that the category is an emergency one (维修资金管理办法: 危及房屋安全).
    emergency_fund_confirmed: { by: 'system', to: 'in_progress' },
    // A cancelled vote returns the issue to where it came from (FundProposal.returnIssueState): the
    // assigned party's work (drafted from in_progress) or the joint meeting (opened by its decision).
    vote_cancelled: { by: 'system', to: 'in_progress' },
    vote_cancelled_to_meeting: { by: 'system', to: 'awaiting_meeting' },
  },
  resolved: {
    confirm: { by: 'reporter', to: 'closed' },
    reopen: { by: 'reporter', to: 'in_progress' },
    auto_close: { by: 'system', to: 'closed' },
  },
  closed: {},
  rejected: {},
};

function mayMove(by: Mover, actor: Actor | SystemActor): boolean {
  if (actor.role === 'system') return by === 'system';
  switch (by) {
    case 'system':
      return false;
    case 'community':
      return actor.role === 'community';
    case 'any_party':
      return isPartyStaff(actor.role);
    // The role checks below keep a wrongly computed flag from handing workflow powers to an admin, or
    // letting staff who filed an issue on someone's behalf rate their own work.
    case 'assigned_party':
      return isPartyStaff(actor.role) && actor.isAssignedParty;
    case 'community_or_assigned':
      return actor.role === 'community' || (isPartyStaff(actor.role) && actor.isAssignedParty);
    case 'reporter':
      return actor.role === 'resident' && actor.isReporter;
  }
}

export type TransitionError = 'invalid_action_for_state' | 'not_allowed_for_role';
export type TransitionResult =
  { readonly ok: true; readonly to: IssueState } | { readonly ok: false; readonly error: TransitionError };

export function transition(state: IssueState, actor: Actor | SystemActor, action: IssueAction): TransitionResult {
  const rule = TRANSITIONS[state][action];
  if (rule === undefined) return { ok: false, error: 'invalid_action_for_state' };
  if (!mayMove(rule.by, actor)) return { ok: false, error: 'not_allowed_for_role' };
  return { ok: true, to: rule.to };
}

/** The actions this actor may take now, in ISSUE_ACTIONS order: the buttons to render. */
export function availableActions(state: IssueState, actor: Actor | SystemActor): IssueAction[] {
  return ISSUE_ACTIONS.filter((action) => transition(state, actor, action).ok);
}

export const TRANSITION_FIELDS = ['note', 'reason', 'party', 'dueAt', 'rating'] as const;
export type TransitionField = (typeof TRANSITION_FIELDS)[number];

/**
 * A note is allowed on every action and required only where the next reader needs it: a reason wherever
 * the resident or the receiving party is told "no" or "not us", a note saying what was done on resolve.
 */
const REQUIRED_FIELDS: Readonly<Record<IssueAction, readonly TransitionField[]>> = {
  submit: [],
  accept: ['party', 'dueAt'],
  reject: ['reason'],
  reassign: ['party', 'dueAt'],
  start: [],
  escalate: [],
  handoff: ['party', 'reason'],
  resolve: ['note'],
  open_vote: [],
  confirm: ['rating'],
  reopen: [],
  auto_close: [],
  meeting_assign: ['party', 'dueAt'],
  meeting_reject: ['reason'],
  meeting_open_vote: [],
  meeting_defer: [],
  vote_passed: [],
  vote_failed: [],
  emergency_fund_confirmed: [],
  vote_cancelled: [],
  vote_cancelled_to_meeting: [],
  // the original's number is checked by the caller against the database (src/domain/issue-duplicates.ts)
  mark_duplicate: [],
};

export function requiredFields(action: IssueAction): readonly TransitionField[] {
  return REQUIRED_FIELDS[action];
}

/** As it arrives from a form: party and rating are still unchecked strings. */
export interface TransitionInput {
  readonly note?: string | null | undefined;
  readonly reason?: string | null | undefined;
  readonly party?: string | null | undefined;
  readonly dueAt?: Date | null | undefined;
  readonly rating?: string | null | undefined;
}

/** The codes `validateTransitionInput` gives, on the fields of TRANSITION_FIELDS. */
type TransitionFieldError = FieldError & {
  readonly field: TransitionField;
  readonly code: 'required' | 'too_long' | 'invalid' | 'same_party' | 'in_past';
};

/** In characters (code points) of the trimmed text, which is what the caller stores. */
export const MAX_TEXT_LENGTH = 2000;

function isParty(value: string): value is Party {
  return (PARTIES as readonly string[]).includes(value);
}

function isRating(value: string): value is Rating {
  return (RATINGS as readonly string[]).includes(value);
}

/**
 * Field errors for one action's input, in TRANSITION_FIELDS order; empty when the input is acceptable.
 * Blank text counts as missing. A due date must lie after `now`. A hand-off must name a different party;
 * a reassign may keep the party (see the module comment).
 */
export function validateTransitionInput(
  action: IssueAction,
  input: TransitionInput,
  currentParty: Party | null,
  now: Date,
): TransitionFieldError[] {
  const required = REQUIRED_FIELDS[action];
  const errors: TransitionFieldError[] = [];

  for (const field of ['note', 'reason'] as const) {
    const text = input[field]?.trim() ?? '';
    if (text === '') {
      if (required.includes(field)) errors.push({ field, code: 'required' });
    } else if (Array.from(text).length > MAX_TEXT_LENGTH) {
      errors.push({ field, code: 'too_long' });
    }
  }

  if (required.includes('party')) {
    const party = input.party?.trim() ?? '';
    if (party === '') errors.push({ field: 'party', code: 'required' });
    else if (!isParty(party)) errors.push({ field: 'party', code: 'invalid' });
    else if (action === 'handoff' && party === currentParty) errors.push({ field: 'party', code: 'same_party' });
  }

  if (required.includes('dueAt')) {
    const dueAt = input.dueAt;
    if (dueAt === null || dueAt === undefined) errors.push({ field: 'dueAt', code: 'required' });
    else if (Number.isNaN(dueAt.getTime())) errors.push({ field: 'dueAt', code: 'invalid' });
    else if (dueAt.getTime() <= now.getTime()) errors.push({ field: 'dueAt', code: 'in_past' });
  }

  if (required.includes('rating')) {
    const rating = input.rating?.trim() ?? '';
    if (rating === '') errors.push({ field: 'rating', code: 'required' });
    else if (!isRating(rating)) errors.push({ field: 'rating', code: 'invalid' });
  }

  return errors;
}

/** Two hand-offs make an issue bouncing (推诿), flagged on the community's dashboard. */
export const BOUNCING_HANDOFFS = 2;

export function isBouncing(handoffCount: number): boolean {
  return handoffCount >= BOUNCING_HANDOFFS;
}

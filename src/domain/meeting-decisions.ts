/**
 * Decisions of a joint meeting on its agenda items, and the plan for applying the minutes. Pure: the
 * caller loads the rows and passes `now`; the meetings module runs the plan in one transaction.
 */
import {
  ASSIGNABLE_PARTIES,
  allThreePartiesPresent,
  isOneOf,
  isValidDate,
  type AssignableParty,
  type AttendanceRecord,
  type RequiredParty,
} from './meeting-rules.ts';

/** The issue state a meeting decides on (see the issue workflow). */
const AWAITING_MEETING = 'awaiting_meeting';

export const DECISION_KINDS = {
  assign: 'assign',
  open_vote: 'open_vote',
  reject: 'reject',
  defer: 'defer',
} as const;
export type DecisionKind = (typeof DECISION_KINDS)[keyof typeof DECISION_KINDS];

/** The issue actions a meeting performs (see the issue workflow: only the system takes them). */
type MeetingIssueAction = 'meeting_assign' | 'meeting_open_vote' | 'meeting_reject' | 'meeting_defer';

/**
 * What each kind of decision does to its agenda item: the action it performs on the item's issue, and
 * whether a free item (no issue) may take it. A free item has no issue to move; it can only be carried
 * to the next meeting, which moves nothing.
 */
const DECISION_TABLE: Readonly<Record<DecisionKind, { readonly issueAction: MeetingIssueAction; readonly onFreeItem: boolean }>> =
  {
    assign: { issueAction: 'meeting_assign', onFreeItem: false },
    open_vote: { issueAction: 'meeting_open_vote', onFreeItem: false },
    reject: { issueAction: 'meeting_reject', onFreeItem: false },
    defer: { issueAction: 'meeting_defer', onFreeItem: true },
  };

type DecisionRefusal = 'required' | 'invalid' | 'free_item_no_decision' | 'not_awaiting_meeting';
export type DecisionTransition =
  | { readonly ok: true; readonly kind: DecisionKind; readonly action: MeetingIssueAction | null }
  | { readonly ok: false; readonly error: DecisionRefusal };

/**
 * A decision of `kind` on an agenda item whose issue is in `issueState` (null: a free item): the issue
 * action it performs (null for a deferred free item), or why it cannot be taken. Only a joint meeting
 * moves an issue out of awaiting_meeting; once it has moved (another meeting decided), a decision
 * recorded here no longer applies.
 */
export function decisionTransition(kind: string, issueState: string | null): DecisionTransition {
  if (!isOneOf(Object.values(DECISION_KINDS), kind)) return { ok: false, error: kind === '' ? 'required' : 'invalid' };
  const rule = DECISION_TABLE[kind];
  if (issueState === null)
    return rule.onFreeItem ? { ok: true, kind, action: null } : { ok: false, error: 'free_item_no_decision' };
  if (issueState !== AWAITING_MEETING) return { ok: false, error: 'not_awaiting_meeting' };
  return { ok: true, kind, action: rule.issueAction };
}

// ───────────────────────────── recording a decision ─────────────────────────────

/** A decision as recorded on an agenda item (unchecked form values). */
export interface DecisionInput {
  kind: string;
  party?: string | null;
  dueAt?: Date | null;
  reason?: string | null;
  /** Amount the fund vote will ask for, in fen (分). */
  amountFen?: number | null;
}

type DecisionField = 'kind' | 'issue' | 'party' | 'dueAt' | 'reason' | 'amountFen';
type DecisionErrorCode = 'required' | 'invalid' | 'in_past' | 'not_awaiting_meeting' | 'free_item_no_decision';
export interface DecisionFieldError {
  field: DecisionField;
  code: DecisionErrorCode;
}

/** What a valid decision does to its issue; the fields each action needs, and only those. */
type DecisionOutcome =
  | { action: 'meeting_assign'; party: AssignableParty; dueAt: Date }
  | { action: 'meeting_open_vote'; amountFen: number }
  | { action: 'meeting_reject'; reason: string }
  | { action: 'meeting_defer'; reason?: string };

type DecisionReading = { ok: true; outcome: DecisionOutcome | null } | { ok: false; errors: DecisionFieldError[] };

/** Checks a decision and, when valid, says what it does (null: a deferred free item, which moves no issue). */
function readDecision(decision: DecisionInput, issueState: string | null, now: Date): DecisionReading {
  const { kind } = decision;
  const step = decisionTransition(kind, issueState);
  if (!step.ok && step.error !== 'not_awaiting_meeting') return { ok: false, errors: [{ field: 'kind', code: step.error }] };
  if (step.ok && step.action === null) return { ok: true, outcome: null };
  // A decision on an issue another meeting has moved is refused, and its fields are still checked.
  const errors: DecisionFieldError[] = step.ok ? [] : [{ field: 'issue', code: 'not_awaiting_meeting' }];
  const reason = decision.reason?.trim() ?? '';

  let outcome: DecisionOutcome | undefined;
  switch (kind as DecisionKind) {
    case 'assign': {
      const { party, dueAt } = decision;
      if (party === undefined || party === null || party === '') errors.push({ field: 'party', code: 'required' });
      else if (!isOneOf(ASSIGNABLE_PARTIES, party)) errors.push({ field: 'party', code: 'invalid' });
      if (dueAt === undefined || dueAt === null) errors.push({ field: 'dueAt', code: 'required' });
      else if (!isValidDate(dueAt)) errors.push({ field: 'dueAt', code: 'invalid' });
      else if (dueAt.getTime() <= now.getTime()) errors.push({ field: 'dueAt', code: 'in_past' });
      if (isOneOf(ASSIGNABLE_PARTIES, party) && isValidDate(dueAt)) {
        outcome = { action: 'meeting_assign', party, dueAt };
      }
      break;
    }
    case 'open_vote': {
      // The owners vote on using a stated sum of the fund; a vote without one cannot be put.
      const { amountFen } = decision;
      if (amountFen === undefined || amountFen === null) errors.push({ field: 'amountFen', code: 'required' });
      else if (!Number.isSafeInteger(amountFen) || amountFen <= 0) errors.push({ field: 'amountFen', code: 'invalid' });
      else outcome = { action: 'meeting_open_vote', amountFen };
      break;
    }
    case 'reject':
      // The resident is shown why (rejected is terminal).
      if (reason === '') errors.push({ field: 'reason', code: 'required' });
      else outcome = { action: 'meeting_reject', reason };
      break;
    case 'defer':
      outcome = reason === '' ? { action: 'meeting_defer' } : { action: 'meeting_defer', reason };
      break;
  }
  if (errors.length > 0 || outcome === undefined) return { ok: false, errors };
  return { ok: true, outcome };
}

/** Field errors of a decision on an agenda item; `issueState` is null for a free item. Empty: valid. */
export function validateDecision(decision: DecisionInput, issueState: string | null, now: Date): DecisionFieldError[] {
  const reading = readDecision(decision, issueState, now);
  return reading.ok ? [] : reading.errors;
}

// ───────────────────────────── applying the minutes ─────────────────────────────

export interface MinutesItem {
  agendaItemId: number;
  /** null for a free item. */
  issueId: number | null;
  /** The issue's current state; null for a free item. */
  issueState: string | null;
  decision: DecisionInput | null;
}

export type ApplyStep = { agendaItemId: number; issueId: number } & DecisionOutcome;

export type ApplyPlan =
  | { ok: true; steps: ApplyStep[] }
  | { ok: false; reason: 'already_applied' }
  /** Only a held meeting's minutes apply: scheduled has not met, cancelled never will, closed is final. */
  | { ok: false; reason: 'not_held' }
  /** Decisions are held; the minutes record which party was absent. */
  | { ok: false; reason: 'parties_missing'; missing: RequiredParty[] }
  | { ok: false; reason: 'no_decisions' }
  /** E.g. a due date that passed since the decision was recorded, or an issue another meeting decided. */
  | { ok: false; reason: 'invalid_decisions'; errors: { agendaItemId: number; errors: DecisionFieldError[] }[] };

/**
 * The steps that applying the minutes performs, in agenda order, all or nothing. An issue item without a
 * decision is deferred to the next meeting, unless its issue has already left awaiting_meeting (another
 * meeting decided it), which leaves nothing to do. Free items move no issue and produce no step.
 */
export function planApplyMinutes(
  meeting: { status: string; appliedAt: Date | null },
  attendance: readonly AttendanceRecord[],
  items: readonly MinutesItem[],
  now: Date,
): ApplyPlan {
  if (meeting.appliedAt !== null) return { ok: false, reason: 'already_applied' };
  if (meeting.status !== 'held') return { ok: false, reason: 'not_held' };
  const presence = allThreePartiesPresent(attendance);
  if (!presence.ok) return { ok: false, reason: 'parties_missing', missing: presence.missing };
  // Applying minutes that decide nothing is almost certainly a slip; an explicit defer is a decision.
  if (items.every((item) => item.decision === null)) return { ok: false, reason: 'no_decisions' };

  const steps: ApplyStep[] = [];
  const errors: { agendaItemId: number; errors: DecisionFieldError[] }[] = [];
  for (const { agendaItemId, issueId, issueState, decision } of items) {
    if (issueId === null) {
      if (decision === null) continue;
      const reading = readDecision(decision, null, now);
      if (!reading.ok) errors.push({ agendaItemId, errors: reading.errors });
      continue;
    }
    // An issue item always has a state; a missing one cannot be awaiting the meeting.
    const state = issueState ?? '';
    if (decision === null) {
      if (state === AWAITING_MEETING) steps.push({ agendaItemId, issueId, action: 'meeting_defer' });
      continue;
    }
    const reading = readDecision(decision, state, now);
    if (!reading.ok) errors.push({ agendaItemId, errors: reading.errors });
    else if (reading.outcome !== null) steps.push({ agendaItemId, issueId, ...reading.outcome });
  }
  if (errors.length > 0) return { ok: false, reason: 'invalid_decisions', errors };
  return { ok: true, steps };
}

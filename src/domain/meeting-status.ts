/**
 * The life of a joint meeting (三方联席会议) as one table: its statuses, what may be done to it in each,
 * and where each thing leaves it. Pure: a command loads the meeting, asks `meetingTransition`, then
 * writes the new status (or turns the refusal into a Conflict) in its transaction.
 */
import { REQUIRED_PARTIES, type RequiredParty } from './meeting-rules.ts';

export const MEETING_STATUSES = {
  scheduled: 'scheduled',
  held: 'held',
  closed: 'closed',
  cancelled: 'cancelled',
} as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[keyof typeof MEETING_STATUSES];

export const MEETING_ACTIONS = {
  /** Change the time, place, title, kind or invitees. */
  edit: 'edit',
  cancel: 'cancel',
  /** Refresh the proposed issues, add, move or remove free items. */
  edit_agenda: 'edit_agenda',
  /** Record who attended and the minutes; the first time, the meeting is held. */
  record_attendance: 'record_attendance',
  record_decision: 'record_decision',
  /** Apply the minutes: every decision moves its issue and the meeting closes. */
  apply_minutes: 'apply_minutes',
  add_action_item: 'add_action_item',
} as const;
export type MeetingAction = (typeof MEETING_ACTIONS)[keyof typeof MEETING_ACTIONS];

export type MeetingRefusal =
  'not_scheduled' | 'closed' | 'cancelled' | 'not_started' | 'attendance_first' | 'not_held' | 'already_applied';

type Cell = { readonly to: MeetingStatus } | { readonly refused: MeetingRefusal };

const refuse = (refused: MeetingRefusal): Cell => ({ refused });

/**
 * Every (status, action) pair, allowed or refused with the reason the convener is shown. Cancelling a
 * cancelled meeting is allowed and changes nothing, so a double-submitted form is harmless. Action items
 * outlive the meeting: they are followed up after it closes.
 */
const TRANSITIONS: Readonly<Record<MeetingStatus, Readonly<Record<MeetingAction, Cell>>>> = {
  scheduled: {
    edit: { to: 'scheduled' },
    cancel: { to: 'cancelled' },
    edit_agenda: { to: 'scheduled' },
    record_attendance: { to: 'held' },
    record_decision: refuse('attendance_first'),
    apply_minutes: refuse('attendance_first'),
    add_action_item: { to: 'scheduled' },
  },
  held: {
    edit: refuse('not_scheduled'),
    cancel: refuse('not_scheduled'),
    edit_agenda: { to: 'held' },
    record_attendance: { to: 'held' },
    record_decision: { to: 'held' },
    apply_minutes: { to: 'closed' },
    add_action_item: { to: 'held' },
  },
  closed: {
    edit: refuse('not_scheduled'),
    cancel: refuse('not_scheduled'),
    edit_agenda: refuse('closed'),
    record_attendance: refuse('closed'),
    record_decision: refuse('closed'),
    apply_minutes: refuse('already_applied'),
    add_action_item: { to: 'closed' },
  },
  cancelled: {
    edit: refuse('not_scheduled'),
    cancel: { to: 'cancelled' },
    edit_agenda: refuse('cancelled'),
    record_attendance: refuse('cancelled'),
    record_decision: refuse('cancelled'),
    apply_minutes: refuse('not_held'),
    add_action_item: refuse('cancelled'),
  },
};

export type MeetingTransition =
  { readonly ok: true; readonly to: MeetingStatus } | { readonly ok: false; readonly error: MeetingRefusal };

/**
 * Where `action` leaves the meeting, or why it may not be done. Minutes once applied are final whatever
 * the status column says, and a meeting cannot be recorded as held before it starts.
 */
export function meetingTransition(
  meeting: { readonly status: MeetingStatus; readonly appliedAt: Date | null; readonly startsAt: Date },
  action: MeetingAction,
  now: Date,
): MeetingTransition {
  const status: MeetingStatus = meeting.appliedAt !== null ? 'closed' : meeting.status;
  const cell = TRANSITIONS[status][action];
  if ('refused' in cell) return { ok: false, error: cell.refused };
  if (action === 'record_attendance' && status === 'scheduled' && now < meeting.startsAt)
    return { ok: false, error: 'not_started' };
  return { ok: true, to: cell.to };
}

// ───────────────────────────── decisions held ─────────────────────────────

/**
 * Why a meeting's decisions were held: one flag per required party that was absent when the minutes were
 * applied (the Meeting columns of the same names). All false: nothing is held. Only applying the
 * minutes clears them: a later correction of attendance leaves the decisions held (meeting-reapply.ts).
 */
interface HeldParties {
  heldMissingCommunity: boolean;
  heldMissingProperty: boolean;
  heldMissingCommittee: boolean;
}

const HELD_COLUMN: Readonly<Record<RequiredParty, keyof HeldParties>> = {
  community: 'heldMissingCommunity',
  property: 'heldMissingProperty',
  committee: 'heldMissingCommittee',
};

export const NOTHING_HELD: Readonly<HeldParties> = Object.freeze({
  heldMissingCommunity: false,
  heldMissingProperty: false,
  heldMissingCommittee: false,
});

/** The columns recording that decisions were held for want of these parties. */
export function heldColumns(missing: readonly RequiredParty[]): HeldParties {
  const columns = { ...NOTHING_HELD };
  for (const party of missing) columns[HELD_COLUMN[party]] = true;
  return columns;
}

/** The absent parties a meeting's held decisions wait for, in REQUIRED_PARTIES order; empty: none held. */
export function heldMissingParties(meeting: Readonly<HeldParties>): RequiredParty[] {
  return REQUIRED_PARTIES.filter((party) => meeting[HELD_COLUMN[party]]);
}

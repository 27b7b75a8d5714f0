import { describe, expect, it } from 'vitest';
import {
  MEETING_ACTIONS,
  MEETING_STATUSES,
  meetingTransition,
  type MeetingAction,
  type MeetingStatus,
  type MeetingTransition,
} from '../../src/domain/meeting-status.ts';
import { DECISION_KINDS, decisionTransition, type DecisionTransition } from '../../src/domain/meeting-decisions.ts';

const STARTS = new Date('2026-11-21T06:00:00Z');
const AFTER_START = new Date('2026-11-21T06:30:00Z');
const BEFORE_START = new Date('2026-11-21T05:00:00Z');

const to = (status: MeetingStatus): MeetingTransition => ({ ok: true, to: status });
const no = (error: Extract<MeetingTransition, { ok: false }>['error']): MeetingTransition => ({ ok: false, error });

/** The whole meeting table, every (status, action) pair, as the convener meets it once the meeting has begun. */
const EXPECTED: Record<MeetingStatus, Record<MeetingAction, MeetingTransition>> = {
  scheduled: {
    edit: to('scheduled'),
    cancel: to('cancelled'),
    edit_agenda: to('scheduled'),
    record_attendance: to('held'),
    record_decision: no('attendance_first'),
    apply_minutes: no('attendance_first'),
    add_action_item: to('scheduled'),
  },
  held: {
    edit: no('not_scheduled'),
    cancel: no('not_scheduled'),
    edit_agenda: to('held'),
    record_attendance: to('held'),
    record_decision: to('held'),
    apply_minutes: to('closed'),
    add_action_item: to('held'),
  },
  closed: {
    edit: no('not_scheduled'),
    cancel: no('not_scheduled'),
    edit_agenda: no('closed'),
    record_attendance: no('closed'),
    record_decision: no('closed'),
    apply_minutes: no('already_applied'),
    add_action_item: to('closed'),
  },
  cancelled: {
    edit: no('not_scheduled'),
    cancel: to('cancelled'),
    edit_agenda: no('cancelled'),
    record_attendance: no('cancelled'),
    record_decision: no('cancelled'),
    apply_minutes: no('not_held'),
    add_action_item: no('cancelled'),
  },
};

const ROWS = Object.values(MEETING_STATUSES).flatMap((status) =>
  Object.values(MEETING_ACTIONS).map((action) => ({ status, action, expected: EXPECTED[status][action] })),
);

describe('the meeting status table', () => {
  it('covers every status and action', () => {
    expect(ROWS).toHaveLength(Object.keys(MEETING_STATUSES).length * Object.keys(MEETING_ACTIONS).length);
  });

  it.each(ROWS)('$action on a $status meeting gives $expected', ({ status, action, expected }) => {
    const appliedAt = status === 'closed' ? STARTS : null;
    expect(meetingTransition({ status, appliedAt, startsAt: STARTS }, action, AFTER_START)).toEqual(expected);
  });

  it('a scheduled meeting cannot be recorded as held before it starts; from its first minute it can', () => {
    const meeting = { status: 'scheduled' as const, appliedAt: null, startsAt: STARTS };
    expect(meetingTransition(meeting, 'record_attendance', BEFORE_START)).toEqual(no('not_started'));
    expect(meetingTransition(meeting, 'record_attendance', STARTS)).toEqual(to('held'));
  });

  it('minutes once applied are final, whatever the status column says', () => {
    const applied = { status: 'held' as const, appliedAt: STARTS, startsAt: STARTS };
    expect(meetingTransition(applied, 'apply_minutes', AFTER_START)).toEqual(no('already_applied'));
    expect(meetingTransition(applied, 'record_decision', AFTER_START)).toEqual(no('closed'));
  });
});

const ISSUE_STATES = ['awaiting_meeting', 'accepted', 'awaiting_vote', null] as const;
const ok = (kind: string, action: string | null): DecisionTransition => ({ ok: true, kind, action }) as DecisionTransition;
const refused = (error: Extract<DecisionTransition, { ok: false }>['error']): DecisionTransition => ({ ok: false, error });

/** Every decision kind on an issue item (by the issue's state) and on a free item (null). */
const DECISIONS: Record<string, Record<string, DecisionTransition>> = {
  assign: {
    awaiting_meeting: ok('assign', 'meeting_assign'),
    accepted: refused('not_awaiting_meeting'),
    awaiting_vote: refused('not_awaiting_meeting'),
    free: refused('free_item_no_decision'),
  },
  open_vote: {
    awaiting_meeting: ok('open_vote', 'meeting_open_vote'),
    accepted: refused('not_awaiting_meeting'),
    awaiting_vote: refused('not_awaiting_meeting'),
    free: refused('free_item_no_decision'),
  },
  reject: {
    awaiting_meeting: ok('reject', 'meeting_reject'),
    accepted: refused('not_awaiting_meeting'),
    awaiting_vote: refused('not_awaiting_meeting'),
    free: refused('free_item_no_decision'),
  },
  defer: {
    awaiting_meeting: ok('defer', 'meeting_defer'),
    accepted: refused('not_awaiting_meeting'),
    awaiting_vote: refused('not_awaiting_meeting'),
    free: ok('defer', null),
  },
};

describe('the decision table', () => {
  const rows = Object.values(DECISION_KINDS).flatMap((kind) =>
    ISSUE_STATES.map((state) => ({ kind, state, expected: DECISIONS[kind]?.[state ?? 'free'] })),
  );

  it('covers every kind on every kind of agenda item', () => {
    expect(rows.every((r) => r.expected !== undefined)).toBe(true);
    expect(rows).toHaveLength(Object.keys(DECISION_KINDS).length * ISSUE_STATES.length);
  });

  it.each(rows)('$kind on an item whose issue is $state gives $expected', ({ kind, state, expected }) => {
    expect(decisionTransition(kind, state)).toEqual(expected);
  });

  it.each([
    ['', 'required'],
    ['approve', 'invalid'],
  ] as const)('a decision of kind %j is refused as %s', (kind, error) => {
    expect(decisionTransition(kind, 'awaiting_meeting')).toEqual(refused(error));
  });
});

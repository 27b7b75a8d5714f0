import { describe, expect, it } from 'vitest';
import {
  allThreePartiesPresent,
  buildAgenda,
  findDoubleBookings,
  overlaps,
  reorder,
  validateMeetingInput,
} from '../../src/domain/meeting-rules.ts';
import { planApplyMinutes, validateDecision } from '../../src/domain/meeting-decisions.ts';
import type {
  AgendaIssue,
  AttendanceRecord,
  BookedMeeting,
  FreeAgendaItem,
  MeetingFieldError,
  MeetingInput,
  PartyPresence,
} from '../../src/domain/meeting-rules.ts';
import type { ApplyPlan, DecisionFieldError, DecisionInput, MinutesItem } from '../../src/domain/meeting-decisions.ts';

const t = (iso: string): Date => new Date(iso);
// 30 s into a minute, so the "current minute" rule is exercised.
const now = t('2025-03-01T02:00:30Z');
const future = t('2025-03-08T10:00:00Z');

describe('validateMeetingInput', () => {
  const base: MeetingInput = {
    title: '5号楼屋面漏水专题会',
    place: '和平社区党群服务中心',
    kind: 'regular',
    startsAt: t('2025-03-02T06:00:00Z'),
    endsAt: t('2025-03-02T08:00:00Z'),
    now,
  };

  it.each<[string, Partial<MeetingInput>, MeetingFieldError[]]>([
    ['a valid meeting', {}, []],
    ['blank title', { title: '   ' }, [{ field: 'title', code: 'required' }]],
    ['title of 100 characters', { title: '议'.repeat(100) }, []],
    ['title of 101 characters', { title: '议'.repeat(101) }, [{ field: 'title', code: 'too_long' }]],
    ['title counted after trimming', { title: ` ${'议'.repeat(100)} ` }, []],
    ['empty place', { place: '' }, [{ field: 'place', code: 'required' }]],
    ['place of 101 characters', { place: '室'.repeat(101) }, [{ field: 'place', code: 'too_long' }]],
    // 100 astral characters are 200 UTF-16 units but 100 characters.
    ['place counted in characters', { place: '𠀀'.repeat(100) }, []],
    ['unknown kind', { kind: 'weekly' }, [{ field: 'kind', code: 'invalid' }]],
    ['missing kind', { kind: '' }, [{ field: 'kind', code: 'required' }]],
    ['missing start', { startsAt: null }, [{ field: 'startsAt', code: 'required' }]],
    ['missing end', { endsAt: null }, [{ field: 'endsAt', code: 'required' }]],
    ['invalid start', { startsAt: t('nope') }, [{ field: 'startsAt', code: 'invalid' }]],
    ['invalid end', { endsAt: t('nope') }, [{ field: 'endsAt', code: 'invalid' }]],
    // now is 02:00:30; the current minute began at 02:00:00.
    ['regular starting in the current minute', { startsAt: t('2025-03-01T02:00:00Z'), endsAt: t('2025-03-01T03:00:00Z') }, []],
    [
      'regular starting the minute before',
      { startsAt: t('2025-03-01T01:59:00Z'), endsAt: t('2025-03-01T03:00:00Z') },
      [{ field: 'startsAt', code: 'in_past' }],
    ],
    [
      'ad hoc starting an hour ago',
      { kind: 'ad_hoc', startsAt: t('2025-03-01T01:00:00Z'), endsAt: t('2025-03-01T03:00:00Z') },
      [{ field: 'startsAt', code: 'in_past' }],
    ],
    [
      'emergency starting exactly 2 h before the current minute',
      { kind: 'emergency', startsAt: t('2025-03-01T00:00:00Z'), endsAt: t('2025-03-01T03:00:00Z') },
      [],
    ],
    [
      'emergency starting 2 h 1 min before the current minute',
      { kind: 'emergency', startsAt: t('2025-02-28T23:59:00Z'), endsAt: t('2025-03-01T03:00:00Z') },
      [{ field: 'startsAt', code: 'in_past' }],
    ],
    ['end equal to start', { endsAt: t('2025-03-02T06:00:00Z') }, [{ field: 'endsAt', code: 'before_start' }]],
    ['end before start', { endsAt: t('2025-03-02T05:00:00Z') }, [{ field: 'endsAt', code: 'before_start' }]],
    ['exactly 12 hours', { endsAt: t('2025-03-02T18:00:00Z') }, []],
    ['12 hours and a minute', { endsAt: t('2025-03-02T18:01:00Z') }, [{ field: 'endsAt', code: 'too_long_duration' }]],
    [
      'no end check against an invalid start',
      { startsAt: t('nope'), endsAt: t('2020-01-01T00:00:00Z') },
      [{ field: 'startsAt', code: 'invalid' }],
    ],
    [
      'several errors, one per field, in form order',
      { title: '', kind: 'monthly', startsAt: t('2025-02-01T00:00:00Z'), endsAt: t('2025-02-01T00:00:00Z'), place: ' ' },
      [
        { field: 'title', code: 'required' },
        { field: 'kind', code: 'invalid' },
        { field: 'startsAt', code: 'in_past' },
        { field: 'endsAt', code: 'before_start' },
        { field: 'place', code: 'required' },
      ],
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(validateMeetingInput({ ...base, ...overrides })).toEqual(expected);
  });
});

describe('overlaps (half-open)', () => {
  const iv = (from: string, to: string) => ({ startsAt: t(`2025-03-02T${from}:00Z`), endsAt: t(`2025-03-02T${to}:00Z`) });
  it.each([
    ['touching end to start', iv('09:00', '10:00'), iv('10:00', '11:00'), false],
    ['partly overlapping', iv('09:00', '10:00'), iv('09:30', '10:30'), true],
    ['one inside the other', iv('09:00', '12:00'), iv('10:00', '11:00'), true],
    ['identical', iv('09:00', '10:00'), iv('09:00', '10:00'), true],
    ['disjoint', iv('09:00', '10:00'), iv('11:00', '12:00'), false],
    ['overlapping by one minute', iv('09:00', '10:01'), iv('10:00', '11:00'), true],
    ['empty interval inside another', iv('10:00', '10:00'), iv('09:00', '11:00'), false],
  ])('%s', (_name, a, b, expected) => {
    expect(overlaps(a, b)).toBe(expected);
    expect(overlaps(b, a)).toBe(expected);
  });
});

describe('findDoubleBookings', () => {
  const at = (hhmm: string): Date => t(`2025-03-02T${hhmm}:00Z`);
  const booked = (meetingId: number, from: string, to: string, status?: string): BookedMeeting => ({
    meetingId,
    title: `会议${meetingId}`,
    startsAt: at(from),
    endsAt: at(to),
    ...(status === undefined ? {} : { status }),
  });
  const meeting = { meetingId: 7, startsAt: at('10:00'), endsAt: at('12:00') };
  const bookings = new Map<number, BookedMeeting[]>([
    [4, [booked(6, '08:00', '18:00', 'held')]],
    [1, [booked(3, '09:00', '10:00'), booked(4, '11:30', '13:00'), booked(2, '10:30', '11:00')]],
    [2, [booked(7, '10:00', '12:00', 'scheduled'), booked(5, '10:00', '12:00', 'cancelled')]],
    [3, []],
    [8, [booked(9, '11:00', '11:30'), booked(8, '11:00', '11:45')]],
  ]);

  it('lists conflicting users in map order, conflicts by start then id; skips itself, cancelled and touching', () => {
    expect(findDoubleBookings(meeting, bookings).map((d) => [d.userId, d.conflicts.map((c) => c.meetingId)])).toEqual([
      [4, [6]],
      [1, [2, 4]],
      [8, [8, 9]],
    ]);
  });

  it('counts a same-time meeting as a clash when the new meeting has no id yet', () => {
    const result = findDoubleBookings(
      { startsAt: at('10:00'), endsAt: at('12:00') },
      new Map([[2, [booked(7, '10:00', '12:00')]]]),
    );
    expect(result).toEqual([{ userId: 2, conflicts: [booked(7, '10:00', '12:00')] }]);
  });

  it('returns nothing when nobody is busy', () => {
    expect(findDoubleBookings(meeting, new Map([[1, [booked(3, '12:00', '13:00')]]]))).toEqual([]);
  });
});

describe('allThreePartiesPresent', () => {
  const a = (party: string, attended: boolean | null): AttendanceRecord => ({ party, attended });
  it.each<[string, AttendanceRecord[], PartyPresence]>([
    ['all three present', [a('community', true), a('property', true), a('committee', true)], { ok: true, missing: [] }],
    [
      'committee absent',
      [a('community', true), a('property', true), a('committee', false), a('resident_rep', true)],
      { ok: false, missing: ['committee'] },
    ],
    [
      'attendance not recorded is not presence',
      [a('community', true), a('property', true), a('committee', null)],
      {
        ok: false,
        missing: ['committee'],
      },
    ],
    [
      'resident representatives do not count',
      [a('resident_rep', true), a('resident_rep', true)],
      {
        ok: false,
        missing: ['community', 'property', 'committee'],
      },
    ],
    ['nobody invited', [], { ok: false, missing: ['community', 'property', 'committee'] }],
    [
      'one of two property staff present is enough',
      [a('property', false), a('property', true), a('community', true), a('committee', true)],
      { ok: true, missing: [] },
    ],
    ['missing listed in fixed order', [a('property', true)], { ok: false, missing: ['community', 'committee'] }],
  ])('%s', (_name, attendance, expected) => {
    expect(allThreePartiesPresent(attendance)).toEqual(expected);
  });
});

describe('buildAgenda', () => {
  const issue = (issueId: number, emergency: boolean, escalatedAt: string, supportCount: number): AgendaIssue => ({
    issueId,
    title: `诉求${issueId}`,
    emergency,
    escalatedAt: t(`2025-${escalatedAt}T00:00:00Z`),
    supportCount,
  });
  const A = issue(10, false, '03-01', 5);
  const B = issue(11, true, '03-03', 0);
  const C = issue(12, false, '02-20', 0);
  const D = issue(13, false, '03-01', 9);
  const E = issue(9, false, '03-01', 5); // ties with A on everything but the id
  const F = issue(14, true, '03-02', 0);
  const free = (title: string, position?: number): FreeAgendaItem => (position === undefined ? { title } : { title, position });
  /** Titles in agenda order; every result must also be numbered 1..n. */
  const titles = (issues: AgendaIssue[], freeItems: FreeAgendaItem[]): string[] => {
    const agenda = buildAgenda(issues, freeItems);
    expect(agenda.map((item) => item.position)).toEqual(agenda.map((_, i) => i + 1));
    return agenda.map((item) => item.title);
  };

  it.each<[string, AgendaIssue[], FreeAgendaItem[], string[]]>([
    [
      'emergency, then oldest, then most supported, then id',
      [A, B, C, D, E, F],
      [],
      ['诉求14', '诉求11', '诉求12', '诉求13', '诉求9', '诉求10'],
    ],
    [
      'free items follow the issues unless positioned',
      [A, B, C, D, E, F],
      [free('X'), free('Y', 1), free('Z')],
      ['Y', '诉求14', '诉求11', '诉求12', '诉求13', '诉求9', '诉求10', 'X', 'Z'],
    ],
    ['free items only, in the given order', [], [free('甲'), free('乙')], ['甲', '乙']],
    ['nothing', [], [], []],
    ['a position beyond the end goes last', [C], [free('P', 99)], ['诉求12', 'P']],
    ['position 0 goes first', [C, B], [free('P', 0)], ['P', '诉求11', '诉求12']],
    [
      'equal positions keep the given order',
      [F, B, C],
      [free('甲', 2), free('乙', 2)],
      ['诉求14', '甲', '乙', '诉求11', '诉求12'],
    ],
    ['each lands on its position', [F, B, C], [free('甲', 3), free('乙', 2)], ['诉求14', '乙', '甲', '诉求11', '诉求12']],
    ['positioned before unpositioned', [C], [free('甲'), free('乙', 1)], ['乙', '诉求12', '甲']],
  ])('%s', (_name, issues, freeItems, expected) => {
    expect(titles(issues, freeItems)).toEqual(expected);
  });

  it('carries issue ids, null for free items', () => {
    expect(buildAgenda([C], [free('其他事项')])).toEqual([
      { position: 1, title: '诉求12', issueId: 12 },
      { position: 2, title: '其他事项', issueId: null },
    ]);
  });

  it('does not reorder the caller’s array', () => {
    const issues = [A, F];
    buildAgenda(issues, []);
    expect(issues).toEqual([A, F]);
  });
});

describe('reorder', () => {
  // Out of order and with a gap (4), as rows may come from the database after a deletion.
  const items = [
    { id: 7, position: 4, title: '丙' },
    { id: 5, position: 1, title: '甲' },
    { id: 6, position: 2, title: '乙' },
  ];
  it.each<[string, number, 'up' | 'down', [number, number][]]>([
    [
      'move up',
      6,
      'up',
      [
        [6, 1],
        [5, 2],
        [7, 3],
      ],
    ],
    [
      'move down',
      6,
      'down',
      [
        [5, 1],
        [7, 2],
        [6, 3],
      ],
    ],
    [
      'move the last up',
      7,
      'up',
      [
        [5, 1],
        [7, 2],
        [6, 3],
      ],
    ],
    [
      'first cannot go up',
      5,
      'up',
      [
        [5, 1],
        [6, 2],
        [7, 3],
      ],
    ],
    [
      'last cannot go down',
      7,
      'down',
      [
        [5, 1],
        [6, 2],
        [7, 3],
      ],
    ],
    [
      'unknown id',
      99,
      'up',
      [
        [5, 1],
        [6, 2],
        [7, 3],
      ],
    ],
  ])('%s', (_name, id, direction, expected) => {
    expect(reorder(items, id, direction).map((item) => [item.id, item.position])).toEqual(expected);
  });

  it('keeps other fields and leaves the input untouched', () => {
    const before = structuredClone(items);
    expect(reorder(items, 6, 'up')[0]).toEqual({ id: 6, position: 1, title: '乙' });
    expect(items).toEqual(before);
  });
});

describe('validateDecision', () => {
  const d = (kind: string, rest: Omit<DecisionInput, 'kind'> = {}): DecisionInput => ({ kind, ...rest });
  const awaiting = 'awaiting_meeting';
  it.each<[string, DecisionInput, string | null, DecisionFieldError[]]>([
    ['assign to property with a future due date', d('assign', { party: 'property', dueAt: future }), awaiting, []],
    ['assign to an outside body', d('assign', { party: 'outside', dueAt: future }), awaiting, []],
    ['assign without a party', d('assign', { dueAt: future }), awaiting, [{ field: 'party', code: 'required' }]],
    ['assign with an empty party', d('assign', { party: '', dueAt: future }), awaiting, [{ field: 'party', code: 'required' }]],
    ['assign to a resident', d('assign', { party: 'resident', dueAt: future }), awaiting, [{ field: 'party', code: 'invalid' }]],
    [
      'assign without a due date',
      d('assign', { party: 'committee', dueAt: null }),
      awaiting,
      [{ field: 'dueAt', code: 'required' }],
    ],
    [
      'assign due yesterday',
      d('assign', { party: 'community', dueAt: t('2025-02-28T02:00:00Z') }),
      awaiting,
      [{ field: 'dueAt', code: 'in_past' }],
    ],
    ['assign due right now', d('assign', { party: 'community', dueAt: now }), awaiting, [{ field: 'dueAt', code: 'in_past' }]],
    [
      'assign with an invalid due date',
      d('assign', { party: 'community', dueAt: t('x') }),
      awaiting,
      [{ field: 'dueAt', code: 'invalid' }],
    ],
    [
      'assign with nothing',
      d('assign'),
      awaiting,
      [
        { field: 'party', code: 'required' },
        { field: 'dueAt', code: 'required' },
      ],
    ],
    ['open a vote on ¥240,000', d('open_vote', { amountFen: 24_000_000 }), awaiting, []],
    ['open a vote without an amount', d('open_vote'), awaiting, [{ field: 'amountFen', code: 'required' }]],
    ['open a vote on nothing', d('open_vote', { amountFen: 0 }), awaiting, [{ field: 'amountFen', code: 'invalid' }]],
    ['open a vote on a negative sum', d('open_vote', { amountFen: -100 }), awaiting, [{ field: 'amountFen', code: 'invalid' }]],
    [
      'open a vote on a fraction of a fen',
      d('open_vote', { amountFen: 1.5 }),
      awaiting,
      [{ field: 'amountFen', code: 'invalid' }],
    ],
    ['reject with a reason', d('reject', { reason: '属于业主自用部分，不属公共维修范围' }), awaiting, []],
    ['reject without a reason', d('reject'), awaiting, [{ field: 'reason', code: 'required' }]],
    ['reject with a blank reason', d('reject', { reason: '  \n ' }), awaiting, [{ field: 'reason', code: 'required' }]],
    ['defer', d('defer'), awaiting, []],
    ['unknown kind', d('postpone'), awaiting, [{ field: 'kind', code: 'invalid' }]],
    ['no kind', d(''), awaiting, [{ field: 'kind', code: 'required' }]],
    [
      'issue no longer awaiting the meeting',
      d('assign', { party: 'property', dueAt: future }),
      'in_progress',
      [{ field: 'issue', code: 'not_awaiting_meeting' }],
    ],
    ['deferring an issue that moved on', d('defer'), 'accepted', [{ field: 'issue', code: 'not_awaiting_meeting' }]],
    [
      'issue moved on and the decision is incomplete',
      d('reject'),
      'closed',
      [
        { field: 'issue', code: 'not_awaiting_meeting' },
        { field: 'reason', code: 'required' },
      ],
    ],
    ['free item deferred', d('defer'), null, []],
    [
      'free item assigned',
      d('assign', { party: 'property', dueAt: future }),
      null,
      [{ field: 'kind', code: 'free_item_no_decision' }],
    ],
    ['free item put to a vote', d('open_vote', { amountFen: 100 }), null, [{ field: 'kind', code: 'free_item_no_decision' }]],
    ['free item rejected', d('reject', { reason: '无' }), null, [{ field: 'kind', code: 'free_item_no_decision' }]],
  ])('%s', (_name, decision, state, expected) => {
    expect(validateDecision(decision, state, now)).toEqual(expected);
  });
});

describe('planApplyMinutes', () => {
  const held = { status: 'held', appliedAt: null };
  const present: AttendanceRecord[] = [
    { party: 'community', attended: true },
    { party: 'property', attended: true },
    { party: 'committee', attended: true },
    { party: 'resident_rep', attended: false },
  ];
  const item = (
    agendaItemId: number,
    issueId: number | null,
    issueState: string | null,
    decision: DecisionInput | null,
  ): MinutesItem => ({
    agendaItemId,
    issueId,
    issueState,
    decision,
  });
  const W = 'awaiting_meeting';
  const minutes: MinutesItem[] = [
    item(101, 11, W, { kind: 'assign', party: 'property', dueAt: future, reason: 'ignored for assign', amountFen: 5 }),
    item(102, 12, W, { kind: 'open_vote', amountFen: 24_000_000 }),
    item(103, 13, W, { kind: 'reject', reason: '  不属于物业服务范围 ' }),
    item(104, 14, W, null),
    item(105, 15, 'accepted', null),
    item(106, null, null, null),
    item(107, null, null, { kind: 'defer' }),
    item(108, 16, W, { kind: 'defer', reason: '待补充报价' }),
  ];

  it('plans every decision in agenda order; undecided issues are deferred', () => {
    expect(planApplyMinutes(held, present, minutes, now)).toEqual({
      ok: true,
      steps: [
        { agendaItemId: 101, issueId: 11, action: 'meeting_assign', party: 'property', dueAt: future },
        { agendaItemId: 102, issueId: 12, action: 'meeting_open_vote', amountFen: 24_000_000 },
        { agendaItemId: 103, issueId: 13, action: 'meeting_reject', reason: '不属于物业服务范围' },
        { agendaItemId: 104, issueId: 14, action: 'meeting_defer' },
        // 105: decided by another meeting meanwhile; 106, 107: free items move no issue.
        { agendaItemId: 108, issueId: 16, action: 'meeting_defer', reason: '待补充报价' },
      ],
    } satisfies ApplyPlan);
  });

  it.each<[string, { status: string; appliedAt: Date | null }, AttendanceRecord[], MinutesItem[], ApplyPlan]>([
    ['applied before', { status: 'closed', appliedAt: now }, present, minutes, { ok: false, reason: 'already_applied' }],
    [
      'applied before, still held',
      { status: 'held', appliedAt: now },
      present,
      minutes,
      { ok: false, reason: 'already_applied' },
    ],
    ['not yet held', { status: 'scheduled', appliedAt: null }, present, minutes, { ok: false, reason: 'not_held' }],
    ['cancelled', { status: 'cancelled', appliedAt: null }, present, minutes, { ok: false, reason: 'not_held' }],
    ['closed without applying', { status: 'closed', appliedAt: null }, present, minutes, { ok: false, reason: 'not_held' }],
    [
      'committee absent: decisions held',
      held,
      present.map((a) => (a.party === 'committee' ? { ...a, attended: false } : a)),
      minutes,
      { ok: false, reason: 'parties_missing', missing: ['committee'] },
    ],
    [
      'attendance not recorded',
      held,
      present.map((a) => ({ ...a, attended: null })),
      minutes,
      { ok: false, reason: 'parties_missing', missing: ['community', 'property', 'committee'] },
    ],
    [
      'absent parties outrank invalid decisions',
      held,
      [],
      [item(101, 11, W, { kind: 'reject' })],
      { ok: false, reason: 'parties_missing', missing: ['community', 'property', 'committee'] },
    ],
    [
      'nothing decided',
      held,
      present,
      [item(101, 11, W, null), item(102, null, null, null)],
      { ok: false, reason: 'no_decisions' },
    ],
    ['empty agenda', held, present, [], { ok: false, reason: 'no_decisions' }],
    [
      'invalid decisions, all reported, nothing applied',
      held,
      present,
      [
        item(101, 11, W, { kind: 'assign', party: 'property', dueAt: t('2025-02-28T00:00:00Z') }),
        item(102, 12, W, { kind: 'open_vote', amountFen: 1000 }),
        item(103, null, null, { kind: 'reject', reason: '无' }),
        item(104, 14, 'awaiting_vote', { kind: 'defer' }),
        // An issue item whose state could not be read is not awaiting the meeting.
        item(105, 15, null, { kind: 'defer' }),
      ],
      {
        ok: false,
        reason: 'invalid_decisions',
        errors: [
          { agendaItemId: 101, errors: [{ field: 'dueAt', code: 'in_past' }] },
          { agendaItemId: 103, errors: [{ field: 'kind', code: 'free_item_no_decision' }] },
          { agendaItemId: 104, errors: [{ field: 'issue', code: 'not_awaiting_meeting' }] },
          { agendaItemId: 105, errors: [{ field: 'issue', code: 'not_awaiting_meeting' }] },
        ],
      },
    ],
  ])('%s', (_name, meeting, attendance, items, expected) => {
    expect(planApplyMinutes(meeting, attendance, items, now)).toEqual(expected);
  });
});

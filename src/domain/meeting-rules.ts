/**
 * Rules of the 三方联席会议 (joint meeting): scheduling, double-booking, the three-party quorum, the agenda,
 * and the parties. Pure: the caller loads the rows and passes `now`. Decisions and applying the minutes
 * are in meeting-decisions.ts, the meeting's statuses in meeting-status.ts.
 */

export const MEETING_KINDS = ['regular', 'ad_hoc', 'emergency'] as const;

export const PARTICIPANT_PARTIES = ['community', 'property', 'committee', 'resident_rep'] as const;
export type ParticipantParty = (typeof PARTICIPANT_PARTIES)[number];

/** The three parties of 三方联动. Resident representatives attend but are not one of them. */
export const REQUIRED_PARTIES = ['community', 'property', 'committee'] as const;
export type RequiredParty = (typeof REQUIRED_PARTIES)[number];

/** Who a meeting may hand an issue to; `outside` is a body beyond the three (e.g. 供电公司, 社区民警). */
export const ASSIGNABLE_PARTIES = ['property', 'committee', 'community', 'outside'] as const;
export type AssignableParty = (typeof ASSIGNABLE_PARTIES)[number];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export const MEETING_TITLE_MAX = 100;
export const MEETING_PLACE_MAX = 100;
const MEETING_MAX_DURATION_MS = 12 * HOUR_MS;
/**
 * An emergency meeting (lift entrapment, severe leak) is often convened on the spot and entered once it is
 * under way, so it may start up to 2 hours back, the same window as the emergency response deadline.
 * Regular and ad hoc meetings are planned ahead and must not start in the past.
 */
const EMERGENCY_BACKDATE_MS = 2 * HOUR_MS;

export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return (list as readonly unknown[]).includes(value);
}

export function isValidDate(value: Date | null | undefined): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** Length as the user counts it: characters (code points), not UTF-16 units. */
function charCount(value: string): number {
  return [...value].length;
}

// ───────────────────────────── scheduling ─────────────────────────────

export interface MeetingInput {
  title: string;
  place: string;
  /** Unchecked form value; must be one of MEETING_KINDS. */
  kind: string;
  /** null when the form field was empty. */
  startsAt: Date | null;
  endsAt: Date | null;
  now: Date;
}

type MeetingField = 'title' | 'kind' | 'startsAt' | 'endsAt' | 'place';
type MeetingErrorCode = 'required' | 'invalid' | 'too_long' | 'in_past' | 'before_start' | 'too_long_duration';
export interface MeetingFieldError {
  field: MeetingField;
  code: MeetingErrorCode;
}

/** At most one error per field, in form order. An empty list means the meeting may be scheduled. */
export function validateMeetingInput(input: MeetingInput): MeetingFieldError[] {
  const errors: MeetingFieldError[] = [];
  const text = (field: 'title' | 'place', value: string, max: number): void => {
    const trimmed = value.trim();
    if (trimmed === '') errors.push({ field, code: 'required' });
    else if (charCount(trimmed) > max) errors.push({ field, code: 'too_long' });
  };

  text('title', input.title, MEETING_TITLE_MAX);
  if (!isOneOf(MEETING_KINDS, input.kind)) {
    errors.push({ field: 'kind', code: input.kind === '' ? 'required' : 'invalid' });
  }

  const { startsAt, endsAt } = input;
  if (startsAt === null) errors.push({ field: 'startsAt', code: 'required' });
  else if (!isValidDate(startsAt)) errors.push({ field: 'startsAt', code: 'invalid' });
  else {
    // Forms pick times to the minute: a meeting starting in the current minute is not in the past.
    const thisMinute = Math.floor(input.now.getTime() / MINUTE_MS) * MINUTE_MS;
    const earliest = thisMinute - (input.kind === 'emergency' ? EMERGENCY_BACKDATE_MS : 0);
    if (startsAt.getTime() < earliest) errors.push({ field: 'startsAt', code: 'in_past' });
  }

  if (endsAt === null) errors.push({ field: 'endsAt', code: 'required' });
  else if (!isValidDate(endsAt)) errors.push({ field: 'endsAt', code: 'invalid' });
  else if (isValidDate(startsAt)) {
    const duration = endsAt.getTime() - startsAt.getTime();
    if (duration <= 0) errors.push({ field: 'endsAt', code: 'before_start' });
    else if (duration > MEETING_MAX_DURATION_MS) errors.push({ field: 'endsAt', code: 'too_long_duration' });
  }

  text('place', input.place, MEETING_PLACE_MAX);
  return errors;
}

interface Interval {
  startsAt: Date;
  endsAt: Date;
}

/**
 * Half-open intervals [startsAt, endsAt): a meeting ending at 10:00 does not clash with one starting at 10:00.
 * An empty interval contains no instant, so it overlaps nothing.
 */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.startsAt < a.endsAt && b.startsAt < b.endsAt && a.startsAt < b.endsAt && b.startsAt < a.endsAt;
}

export interface BookedMeeting extends Interval {
  meetingId: number;
  title: string;
  /** A cancelled meeting books nobody; other statuses (or none given) count. */
  status?: string;
}

interface DoubleBooking {
  userId: number;
  /** Ordered by start, then meeting id. */
  conflicts: BookedMeeting[];
}

/**
 * Participants of `meeting` who are already in another meeting at the same time. `meetingId` is given when
 * rescheduling, so the meeting does not clash with itself. Users keep the map's order; users without
 * conflicts are left out. A warning only: the convener may still invite them.
 */
export function findDoubleBookings(
  meeting: Interval & { meetingId?: number },
  bookingsByUser: ReadonlyMap<number, readonly BookedMeeting[]>,
): DoubleBooking[] {
  const result: DoubleBooking[] = [];
  for (const [userId, bookings] of bookingsByUser) {
    const conflicts = bookings
      .filter((b) => b.meetingId !== meeting.meetingId && b.status !== 'cancelled' && overlaps(meeting, b))
      .sort((x, y) => x.startsAt.getTime() - y.startsAt.getTime() || x.meetingId - y.meetingId);
    if (conflicts.length > 0) result.push({ userId, conflicts });
  }
  return result;
}

// ───────────────────────────── attendance ─────────────────────────────

export interface AttendanceRecord {
  party: string;
  /** null: not recorded yet, which is not presence. */
  attended: boolean | null;
}

export interface PartyPresence {
  ok: boolean;
  /** In REQUIRED_PARTIES order. */
  missing: RequiredParty[];
}

/** A decision binds only if community, property and committee each had someone present. */
export function allThreePartiesPresent(attendance: readonly AttendanceRecord[]): PartyPresence {
  const present = new Set(attendance.filter((a) => a.attended === true).map((a) => a.party));
  const missing = REQUIRED_PARTIES.filter((party) => !present.has(party));
  return { ok: missing.length === 0, missing };
}

// ───────────────────────────── agenda ─────────────────────────────

export interface AgendaIssue {
  issueId: number;
  title: string;
  emergency: boolean;
  /** When the issue entered awaiting_meeting. */
  escalatedAt: Date;
  /** 附议 (me-too) count. */
  supportCount: number;
}

export interface FreeAgendaItem {
  title: string;
  /** 1-based; clamped into the agenda. Without one the item goes after the issues. */
  position?: number;
}

interface ProposedAgendaItem {
  position: number;
  title: string;
  /** null for a free item. */
  issueId: number | null;
}

/** Emergencies first, then the longest waiting, then the most supported; the id makes the order total. */
function compareAgendaIssues(a: AgendaIssue, b: AgendaIssue): number {
  return (
    Number(b.emergency) - Number(a.emergency) ||
    a.escalatedAt.getTime() - b.escalatedAt.getTime() ||
    b.supportCount - a.supportCount ||
    a.issueId - b.issueId
  );
}

/**
 * The proposed agenda, positions 1..n. Free items without a position follow the issues in the given order;
 * a free item with a position is placed there (in position order, ties in the given order, each after the
 * previous one placed), so the issues' order among themselves never changes.
 */
export function buildAgenda(issues: readonly AgendaIssue[], freeItems: readonly FreeAgendaItem[]): ProposedAgendaItem[] {
  type Entry = Omit<ProposedAgendaItem, 'position'>;
  const entries: Entry[] = [...issues].sort(compareAgendaIssues).map((issue) => ({ title: issue.title, issueId: issue.issueId }));
  for (const item of freeItems) {
    if (item.position === undefined) entries.push({ title: item.title, issueId: null });
  }

  const placed = freeItems
    .map((item, index) => ({ item, index }))
    .flatMap(({ item, index }) => (item.position === undefined ? [] : [{ ...item, position: item.position, index }]))
    .sort((a, b) => a.position - b.position || a.index - b.index);
  let previousIndex = -1;
  for (const item of placed) {
    const wanted = Math.floor(item.position) - 1;
    const index = Math.min(Math.max(wanted, previousIndex + 1, 0), entries.length);
    entries.splice(index, 0, { title: item.title, issueId: null });
    previousIndex = index;
  }

  return entries.map((entry, index) => ({ ...entry, position: index + 1 }));
}

/**
 * Moves one agenda item a place up or down (e.g. Prisma AgendaItem rows). Returns every item in the new
 * order as new objects with positions renumbered 1..n, closing any gaps; the service writes those whose
 * position changed. Moving the first item up, the last down, or an unknown id changes no order.
 */
export function reorder<T extends { id: number; position: number }>(
  items: readonly T[],
  itemId: number,
  direction: 'up' | 'down',
): T[] {
  const ordered = [...items].sort((a, b) => a.position - b.position || a.id - b.id);
  const from = ordered.findIndex((item) => item.id === itemId);
  const to = direction === 'up' ? from - 1 : from + 1;
  if (from !== -1 && to >= 0 && to < ordered.length) {
    const [moved] = ordered.splice(from, 1);
    if (moved !== undefined) ordered.splice(to, 0, moved);
  }
  return ordered.map((item, index) => ({ ...item, position: index + 1 }));
}

import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { Db, DbTx } from '../../plugins/db.ts';
import { Conflict, NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import {
  MEETING_PLACE_MAX,
  MEETING_TITLE_MAX,
  PARTICIPANT_PARTIES,
  allThreePartiesPresent,
  buildAgenda,
  findDoubleBookings,
  planApplyMinutes,
  reorder,
  validateDecision,
  validateMeetingInput,
  type AgendaIssue,
  type ApplyStep,
  type BookedMeeting,
  type ParticipantParty,
  type RequiredParty,
} from '../../domain/meeting-rules.ts';
import { formatShanghai, parseShanghaiLocal } from '../../domain/deadlines.ts';
import { formatFen, parseYuanToFen } from '../../domain/money.ts';
import { translate } from '../../i18n/index.ts';
import { performIssueAction } from '../issues/service.ts';
import { notify, type NewNotification } from '../notifications/service.ts';
import { publishNotice } from '../notices/service.ts';
import { maskName } from '../../domain/privacy.ts';

export const FREE_ITEM_TITLE_MAX = 100;
export const MINUTES_MAX = 20000;
export const ACTION_TITLE_MAX = 100;

/** Field names as the forms show them: prefixed, so they never clash with another feature's labels. */
const MEETING_FIELD = {
  title: 'meetingTitle',
  kind: 'meetingKind',
  startsAt: 'meetingStartsAt',
  endsAt: 'meetingEndsAt',
  place: 'meetingPlace',
} as const;
const DECISION_FIELD = {
  kind: 'decisionKind',
  issue: 'decisionIssue',
  party: 'decisionParty',
  dueAt: 'decisionDueAt',
  reason: 'decisionReason',
  amountFen: 'decisionAmount',
} as const;
/** Codes common.ts already words; the others get a meeting-specific key in our catalogue. */
const COMMON_CODES = new Set(['required', 'invalid', 'in_past', 'too_long']);
const code = (c: string) => (COMMON_CODES.has(c) ? c : `meeting_${c}`);

/** A client or a transaction already open (the demo seed runs every step in one transaction). */
export type DbOrTx = Db | DbTx;

/** Runs `fn` in a new transaction, or in the caller's when it already is one. */
function inTransaction<T>(db: DbOrTx, fn: (tx: DbTx) => Promise<T>): Promise<T> {
  const client = db as Partial<Db>;
  return typeof client.$transaction === 'function' ? (db as Db).$transaction(fn) : fn(db);
}

const PARTY_OF_ROLE: Record<string, ParticipantParty> = {
  community: 'community',
  property: 'property',
  committee: 'committee',
  resident: 'resident_rep',
};

// ───────────────────────────── scope ─────────────────────────────

/**
 * Meetings an actor may see: community staff those of their community; property and committee staff
 * those of the estates they serve; residents only those they are invited to. A meeting touching an estate
 * outside the actor's scope is invisible (404) as a whole.
 */
export function visibleMeetingsWhere(actor: Pick<Actor, 'userId' | 'role' | 'estateIds' | 'communityId'>): Prisma.MeetingWhereInput {
  if (actor.role === 'admin') return {};
  // `every` alone is true of a meeting with no estates; `some` makes such a row visible to nobody.
  const inScope: Prisma.MeetingWhereInput = { estates: { some: {}, every: { estateId: { in: actor.estateIds } } } };
  switch (actor.role) {
    case 'community':
      return { AND: [inScope, { communityId: actor.communityId ?? -1 }] };
    case 'property':
    case 'committee':
      return inScope;
    case 'resident':
      return { AND: [inScope, { participants: { some: { userId: actor.userId } } }] };
  }
}

/** Only community staff of the meeting's community convene and run it. */
export function canManage(actor: Actor, meeting: { communityId: number }): boolean {
  return actor.role === 'community' && actor.communityId === meeting.communityId;
}

async function loadManaged(tx: DbTx, actor: Actor, id: number) {
  const meeting = await tx.meeting.findFirst({ where: { AND: [{ id }, visibleMeetingsWhere(actor)] } });
  if (!meeting || !canManage(actor, meeting)) throw new NotFound();
  return meeting;
}

function assertOpen(meeting: { status: string; appliedAt: Date | null }) {
  if (meeting.appliedAt !== null || meeting.status === 'closed') throw new Conflict('meetings.error.closed');
  if (meeting.status === 'cancelled') throw new Conflict('meetings.error.cancelled');
}

// ───────────────────────────── reading ─────────────────────────────

export async function listMeetings(db: Db, actor: Actor, query: { estateId?: number; now: Date }) {
  const where: Prisma.MeetingWhereInput = { AND: [visibleMeetingsWhere(actor)] };
  if (query.estateId) (where.AND as Prisma.MeetingWhereInput[]).push({ estates: { some: { estateId: query.estateId } } });
  const meetings = await db.meeting.findMany({
    where,
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    take: 500,
    include: {
      estates: { include: { estate: { select: { id: true, name: true } } } },
      _count: { select: { agendaItems: true, participants: true } },
    },
  });
  const upcoming = meetings.filter((m) => m.status === 'scheduled' && m.endsAt > query.now);
  const past = meetings.filter((m) => !upcoming.includes(m)).reverse();
  const estates = await db.estate.findMany({
    where: actor.role === 'admin' ? {} : { id: { in: actor.estateIds } },
    select: { id: true, name: true },
    orderBy: { id: 'asc' },
  });
  return { upcoming, past, estates };
}

export async function getMeetingForActor(db: Db, actor: Actor, id: number) {
  const meeting = await db.meeting.findFirst({
    where: { AND: [{ id }, visibleMeetingsWhere(actor)] },
    include: {
      convener: { select: { id: true, displayName: true, orgName: true } },
      estates: { include: { estate: { select: { id: true, name: true } } } },
      participants: {
        orderBy: [{ party: 'asc' }, { id: 'asc' }],
        include: { user: { select: { id: true, displayName: true, orgName: true, role: true } } },
      },
      agendaItems: {
        orderBy: [{ position: 'asc' }, { id: 'asc' }],
        include: {
          issue: { select: { id: true, title: true, state: true, emergency: true, estateId: true, _count: { select: { supports: true } } } },
          decision: true,
        },
      },
      actionItems: {
        orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
        include: { owner: { select: { id: true, displayName: true, orgName: true } } },
      },
    },
  });
  if (!meeting) throw new NotFound();
  // Parties in a fixed order (community, property, committee, resident reps) rather than alphabetical.
  const rank = (p: string) => (PARTICIPANT_PARTIES as readonly string[]).indexOf(p);
  meeting.participants.sort((a, b) => rank(a.party) - rank(b.party) || a.id - b.id);
  // A resident representative sees the other residents invited by masked name only (DOMAIN.md, Scope).
  if (actor.role === 'resident') {
    const otherResidents = new Set(
      meeting.participants.filter((p) => p.user.role === 'resident' && p.userId !== actor.userId).map((p) => p.userId),
    );
    for (const p of meeting.participants) {
      if (otherResidents.has(p.userId)) p.user.displayName = maskName(p.user.displayName);
    }
    for (const a of meeting.actionItems) {
      if (otherResidents.has(a.owner.id)) a.owner.displayName = maskName(a.owner.displayName);
    }
  }
  return meeting;
}
export type MeetingDetail = Awaited<ReturnType<typeof getMeetingForActor>>;

/** The missing parties recorded when decisions were held, e.g. "missing:property,committee". */
export function heldReasonParties(reason: string): RequiredParty[] {
  if (!reason.startsWith('missing:')) return [];
  return reason.slice('missing:'.length).split(',').filter(Boolean) as RequiredParty[];
}

export function presenceOf(meeting: { participants: { party: string; attended: boolean | null }[] }) {
  return allThreePartiesPresent(meeting.participants);
}

export interface DoubleBookingView {
  userId: number;
  displayName: string;
  conflicts: BookedMeeting[];
}

/** Participants already in another (non-cancelled) meeting at this meeting's time: a warning, not an error. */
export async function doubleBookings(
  db: DbTx,
  meeting: { id?: number; startsAt: Date; endsAt: Date },
  userIds: number[],
): Promise<DoubleBookingView[]> {
  if (userIds.length === 0) return [];
  const rows = await db.meetingParticipant.findMany({
    where: {
      userId: { in: userIds },
      ...(meeting.id !== undefined ? { meetingId: { not: meeting.id } } : {}),
      meeting: { status: { not: 'cancelled' }, startsAt: { lt: meeting.endsAt }, endsAt: { gt: meeting.startsAt } },
    },
    select: {
      userId: true,
      user: { select: { displayName: true } },
      meeting: { select: { id: true, title: true, startsAt: true, endsAt: true, status: true } },
    },
  });
  const byUser = new Map<number, BookedMeeting[]>();
  const names = new Map<number, string>();
  for (const userId of userIds) byUser.set(userId, []);
  for (const row of rows) {
    names.set(row.userId, row.user.displayName);
    byUser.get(row.userId)?.push({
      meetingId: row.meeting.id,
      title: row.meeting.title,
      startsAt: row.meeting.startsAt,
      endsAt: row.meeting.endsAt,
      status: row.meeting.status,
    });
  }
  const found = findDoubleBookings({ startsAt: meeting.startsAt, endsAt: meeting.endsAt, meetingId: meeting.id }, byUser);
  return found.map((d) => ({ ...d, displayName: names.get(d.userId) ?? '' }));
}

// ───────────────────────────── participants ─────────────────────────────

export interface Candidate {
  userId: number;
  displayName: string;
  orgName: string;
  party: ParticipantParty;
  /** A resident representative's home estate. */
  estateName: string;
}

/**
 * Who may be invited to a meeting on these estates: community staff of the community, property and
 * committee staff serving one of the estates, and residents of the estates as resident representatives.
 */
export async function participantCandidates(tx: DbTx, communityId: number, estateIds: number[]): Promise<Candidate[]> {
  if (estateIds.length === 0) return [];
  const users = await tx.user.findMany({
    where: {
      active: true,
      OR: [
        { role: 'community', communityId },
        { role: { in: ['property', 'committee'] }, estates: { some: { estateId: { in: estateIds } } } },
        { role: 'resident', estateId: { in: estateIds } },
      ],
    },
    select: { id: true, displayName: true, orgName: true, role: true, estate: { select: { name: true } } },
    orderBy: [{ id: 'asc' }],
  });
  const rank = (p: string) => (PARTICIPANT_PARTIES as readonly string[]).indexOf(p);
  return users
    .map((u) => ({
      userId: u.id,
      displayName: u.displayName,
      orgName: u.orgName,
      party: PARTY_OF_ROLE[u.role] as ParticipantParty,
      estateName: u.role === 'resident' ? (u.estate?.name ?? '') : '',
    }))
    .sort((a, b) => rank(a.party) - rank(b.party) || a.userId - b.userId);
}

/** Estates of the actor's community that community staff may convene for. */
export async function convenableEstates(db: DbTx, actor: Actor) {
  if (actor.role !== 'community' || actor.communityId === null) return [];
  return db.estate.findMany({
    where: { communityId: actor.communityId, id: { in: actor.estateIds } },
    select: { id: true, name: true },
    orderBy: { id: 'asc' },
  });
}

// ───────────────────────────── agenda proposals ─────────────────────────────

/** Issues of these estates waiting for a joint meeting, with what the agenda orders them by. */
async function awaitingIssues(tx: DbTx, estateIds: number[]): Promise<AgendaIssue[]> {
  const issues = await tx.issue.findMany({
    where: { estateId: { in: estateIds }, state: 'awaiting_meeting' },
    select: {
      id: true,
      title: true,
      emergency: true,
      updatedAt: true,
      _count: { select: { supports: true } },
      // The escalation that put it here (or a failed vote that sent it back).
      events: {
        where: { toState: 'awaiting_meeting', action: { in: ['escalate', 'vote_failed'] } },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: 1,
        select: { createdAt: true },
      },
    },
  });
  return issues.map((i) => ({
    issueId: i.id,
    title: i.title,
    emergency: i.emergency,
    escalatedAt: i.events[0]?.createdAt ?? i.updatedAt,
    supportCount: i._count.supports,
  }));
}

// ───────────────────────────── convening and editing ─────────────────────────────

export interface MeetingForm {
  kind: string;
  title: string;
  place: string;
  startsAt: string;
  endsAt: string;
  estateIds: string[];
  participantIds: string[];
}

const toInts = (values: string[]) => [...new Set(values.map((v) => Number(v)))];

function parseLocal(value: string): Date | null {
  if (value.trim() === '') return null;
  return parseShanghaiLocal(value) ?? new Date(Number.NaN);
}

interface CheckedMeeting {
  kind: string;
  title: string;
  place: string;
  startsAt: Date;
  endsAt: Date;
  estateIds: number[];
  participants: Candidate[];
}

async function checkMeetingForm(
  tx: DbTx,
  actor: Actor,
  form: MeetingForm,
  now: Date,
  fixedEstateIds: number[] | null,
): Promise<CheckedMeeting> {
  const startsAt = parseLocal(form.startsAt);
  const endsAt = parseLocal(form.endsAt);
  const errors: FieldError[] = validateMeetingInput({ title: form.title, place: form.place, kind: form.kind, startsAt, endsAt, now }).map(
    (e) => ({
      field: MEETING_FIELD[e.field],
      code: code(e.code),
      ...(e.code === 'too_long' ? { params: { max: e.field === 'title' ? MEETING_TITLE_MAX : MEETING_PLACE_MAX } } : {}),
    }),
  );

  let estateIds = fixedEstateIds ?? toInts(form.estateIds);
  if (fixedEstateIds === null) {
    const allowed = new Set((await convenableEstates(tx, actor)).map((e) => e.id));
    if (estateIds.length === 0) errors.push({ field: 'meetingEstates', code: 'required' });
    else if (estateIds.some((id) => !allowed.has(id))) {
      errors.push({ field: 'meetingEstates', code: 'invalid' });
      estateIds = [];
    }
  }

  const candidates = await participantCandidates(tx, actor.communityId ?? -1, estateIds);
  const byId = new Map(candidates.map((c) => [c.userId, c]));
  const wanted = toInts(form.participantIds);
  const participants: Candidate[] = [];
  let outside = false;
  for (const id of wanted) {
    const candidate = byId.get(id);
    if (candidate) participants.push(candidate);
    else outside = true;
  }
  if (outside) errors.push({ field: 'meetingParticipants', code: 'meeting_outside_parties' });
  else if (participants.length === 0) errors.push({ field: 'meetingParticipants', code: 'required' });

  if (errors.length > 0) throw new ValidationFailed(errors);
  return {
    kind: form.kind,
    title: form.title.trim(),
    place: form.place.trim(),
    startsAt: startsAt as Date,
    endsAt: endsAt as Date,
    estateIds,
    participants,
  };
}

const when = (d: Date) => formatShanghai(d, 'zh-CN');

/**
 * Convenes a meeting: the meeting, its estates and invitees, the proposed agenda (every issue of the
 * estates awaiting a meeting), and the invitations, in one transaction. The same form sent twice
 * convenes once. Double bookings are returned as a warning; they do not stop the meeting.
 */
export async function conveneMeeting(db: DbOrTx, actor: Actor, form: MeetingForm, now: Date) {
  if (actor.role !== 'community' || actor.communityId === null) throw new NotFound();
  const communityId = actor.communityId;
  return inTransaction(db, async (tx) => {
    const checked = await checkMeetingForm(tx, actor, form, now, null);
    const existing = await tx.meeting.findFirst({
      where: {
        convenerId: actor.userId,
        title: checked.title,
        place: checked.place,
        startsAt: checked.startsAt,
        endsAt: checked.endsAt,
        status: { not: 'cancelled' },
      },
      select: { id: true },
    });
    if (existing) return { meetingId: existing.id, duplicate: true, doubleBookings: [] as DoubleBookingView[] };

    const meeting = await tx.meeting.create({
      data: {
        communityId,
        kind: checked.kind,
        title: checked.title,
        place: checked.place,
        startsAt: checked.startsAt,
        endsAt: checked.endsAt,
        convenerId: actor.userId,
        createdAt: now,
        updatedAt: now,
      },
    });
    await tx.meetingEstate.createMany({ data: checked.estateIds.map((estateId) => ({ meetingId: meeting.id, estateId })) });
    await tx.meetingParticipant.createMany({
      data: checked.participants.map((p) => ({ meetingId: meeting.id, userId: p.userId, party: p.party })),
    });
    const agenda = buildAgenda(await awaitingIssues(tx, checked.estateIds), []);
    if (agenda.length > 0) {
      await tx.agendaItem.createMany({
        data: agenda.map((a) => ({ meetingId: meeting.id, issueId: a.issueId, title: a.title, position: a.position })),
      });
    }
    await notify(
      tx,
      checked.participants
        .filter((p) => p.userId !== actor.userId)
        .map((p) => invitation(p.userId, meeting)),
    );
    const warnings = await doubleBookings(tx, meeting, checked.participants.map((p) => p.userId));
    return { meetingId: meeting.id, duplicate: false, doubleBookings: warnings };
  });
}

function invitation(userId: number, meeting: { id: number; title: string; startsAt: Date; place: string }): NewNotification {
  return {
    userId,
    kind: 'meeting_invited',
    params: { title: meeting.title, startsAt: when(meeting.startsAt), place: meeting.place },
    link: `/meetings/${meeting.id}`,
    meetingId: meeting.id,
  };
}

/**
 * Changes a scheduled meeting's time, place, title, kind and invitees. A change of time or place bumps the
 * iCalendar SEQUENCE and tells everyone still invited; new invitees get an invitation.
 */
export async function updateMeeting(db: DbOrTx, actor: Actor, id: number, form: MeetingForm, now: Date) {
  return inTransaction(db, async (tx) => {
    const meeting = await loadManaged(tx, actor, id);
    if (meeting.status !== 'scheduled') throw new Conflict('meetings.error.notScheduled');
    const estateIds = (await tx.meetingEstate.findMany({ where: { meetingId: id }, select: { estateId: true } })).map((e) => e.estateId);
    const checked = await checkMeetingForm(tx, actor, form, now, estateIds);
    const current = await tx.meetingParticipant.findMany({ where: { meetingId: id }, select: { id: true, userId: true } });
    const keep = new Set(checked.participants.map((p) => p.userId));
    const removed = current.filter((p) => !keep.has(p.userId));
    if (removed.length > 0) {
      const owners = await tx.actionItem.count({ where: { meetingId: id, ownerId: { in: removed.map((r) => r.userId) } } });
      if (owners > 0) throw new ValidationFailed([{ field: 'meetingParticipants', code: 'meeting_owner_has_actions' }]);
      await tx.meetingParticipant.deleteMany({ where: { id: { in: removed.map((r) => r.id) } } });
    }
    const had = new Set(current.map((p) => p.userId));
    const added = checked.participants.filter((p) => !had.has(p.userId));
    if (added.length > 0) {
      await tx.meetingParticipant.createMany({ data: added.map((p) => ({ meetingId: id, userId: p.userId, party: p.party })) });
    }
    const timeChanged = meeting.startsAt.getTime() !== checked.startsAt.getTime() || meeting.endsAt.getTime() !== checked.endsAt.getTime();
    const changed = timeChanged || meeting.place !== checked.place || meeting.title !== checked.title;
    const updated = await tx.meeting.update({
      where: { id },
      data: {
        kind: checked.kind,
        title: checked.title,
        place: checked.place,
        startsAt: checked.startsAt,
        endsAt: checked.endsAt,
        sequence: changed ? { increment: 1 } : undefined,
        // A new time gets its own reminder.
        reminderSentAt: timeChanged ? null : undefined,
        updatedAt: now,
      },
    });
    const notes: NewNotification[] = added.filter((p) => p.userId !== actor.userId).map((p) => invitation(p.userId, updated));
    if (timeChanged || meeting.place !== checked.place) {
      for (const p of checked.participants) {
        if (!had.has(p.userId) || p.userId === actor.userId) continue;
        notes.push({
          userId: p.userId,
          kind: 'meeting_changed',
          params: { title: updated.title, startsAt: when(updated.startsAt), place: updated.place },
          link: `/meetings/${id}`,
          meetingId: id,
        });
      }
    }
    await notify(tx, notes);
    return { meetingId: id, doubleBookings: await doubleBookings(tx, updated, checked.participants.map((p) => p.userId)) };
  });
}

/** Cancels a scheduled meeting; calendars drop it (STATUS:CANCELLED with a new SEQUENCE). */
export async function cancelMeeting(db: DbOrTx, actor: Actor, id: number, now: Date) {
  return inTransaction(db, async (tx) => {
    const meeting = await loadManaged(tx, actor, id);
    if (meeting.status === 'cancelled') return;
    if (meeting.status !== 'scheduled') throw new Conflict('meetings.error.notScheduled');
    await tx.meeting.update({ where: { id }, data: { status: 'cancelled', sequence: { increment: 1 }, updatedAt: now } });
    const participants = await tx.meetingParticipant.findMany({ where: { meetingId: id }, select: { userId: true } });
    await notify(
      tx,
      participants
        .filter((p) => p.userId !== actor.userId)
        .map((p) => ({
          userId: p.userId,
          kind: 'meeting_cancelled',
          params: { title: meeting.title, startsAt: when(meeting.startsAt) },
          link: `/meetings/${id}`,
          meetingId: id,
        })),
    );
  });
}

// ───────────────────────────── agenda ─────────────────────────────

/** Adds issues escalated since the agenda was built, after the items already there, in agenda order. */
export async function refreshAgenda(db: DbOrTx, actor: Actor, id: number) {
  return inTransaction(db, async (tx) => {
    const meeting = await loadManaged(tx, actor, id);
    assertOpen(meeting);
    const [estates, items] = await Promise.all([
      tx.meetingEstate.findMany({ where: { meetingId: id }, select: { estateId: true } }),
      tx.agendaItem.findMany({ where: { meetingId: id }, select: { issueId: true, position: true } }),
    ]);
    const onAgenda = new Set(items.map((i) => i.issueId));
    const fresh = (await awaitingIssues(tx, estates.map((e) => e.estateId))).filter((i) => !onAgenda.has(i.issueId));
    const last = items.reduce((max, i) => Math.max(max, i.position), 0);
    const proposed = buildAgenda(fresh, []);
    if (proposed.length > 0) {
      await tx.agendaItem.createMany({
        data: proposed.map((a) => ({ meetingId: id, issueId: a.issueId, title: a.title, position: last + a.position })),
      });
    }
    return proposed.length;
  });
}

export async function addFreeItem(db: DbOrTx, actor: Actor, id: number, title: string) {
  const trimmed = title.trim();
  if (trimmed === '') throw new ValidationFailed([{ field: 'agendaTitle', code: 'required' }]);
  if ([...trimmed].length > FREE_ITEM_TITLE_MAX) {
    throw new ValidationFailed([{ field: 'agendaTitle', code: 'too_long', params: { max: FREE_ITEM_TITLE_MAX } }]);
  }
  return inTransaction(db, async (tx) => {
    const meeting = await loadManaged(tx, actor, id);
    assertOpen(meeting);
    // The same item sent twice (a double tap) is added once.
    const same = await tx.agendaItem.findFirst({ where: { meetingId: id, issueId: null, title: trimmed } });
    if (same) return same;
    const last = await tx.agendaItem.aggregate({ where: { meetingId: id }, _max: { position: true } });
    return tx.agendaItem.create({ data: { meetingId: id, issueId: null, title: trimmed, position: (last._max.position ?? 0) + 1 } });
  });
}

export async function moveAgendaItem(db: DbOrTx, actor: Actor, id: number, itemId: number, direction: 'up' | 'down') {
  return inTransaction(db, async (tx) => {
    const meeting = await loadManaged(tx, actor, id);
    assertOpen(meeting);
    const items = await tx.agendaItem.findMany({ where: { meetingId: id }, select: { id: true, position: true } });
    if (!items.some((i) => i.id === itemId)) throw new NotFound();
    const before = new Map(items.map((i) => [i.id, i.position]));
    for (const item of reorder(items, itemId, direction)) {
      if (before.get(item.id) !== item.position) await tx.agendaItem.update({ where: { id: item.id }, data: { position: item.position } });
    }
  });
}

/** Removes a free item; an issue stays on the agenda until the meeting decides or defers it. */
export async function removeFreeItem(db: DbOrTx, actor: Actor, id: number, itemId: number) {
  return inTransaction(db, async (tx) => {
    const meeting = await loadManaged(tx, actor, id);
    assertOpen(meeting);
    const item = await tx.agendaItem.findFirst({ where: { id: itemId, meetingId: id } });
    if (!item) throw new NotFound();
    if (item.issueId !== null) throw new Conflict('meetings.error.issueItemStays');
    await tx.agendaItem.delete({ where: { id: itemId } });
  });
}

// ───────────────────────────── holding the meeting ─────────────────────────────

/**
 * Records who attended and the minutes text; the first time, the meeting becomes held. A meeting cannot
 * be recorded as held before it starts.
 */
export async function recordAttendance(db: DbOrTx, actor: Actor, id: number, input: { attended: string[]; minutes: string }, now: Date) {
  const minutes = input.minutes.trim();
  if ([...minutes].length > MINUTES_MAX) {
    throw new ValidationFailed([{ field: 'meetingMinutes', code: 'too_long', params: { max: MINUTES_MAX } }]);
  }
  return inTransaction(db, async (tx) => {
    const meeting = await loadManaged(tx, actor, id);
    assertOpen(meeting);
    if (meeting.status === 'scheduled' && now < meeting.startsAt) throw new Conflict('meetings.error.notStarted');
    const present = new Set(toInts(input.attended));
    const participants = await tx.meetingParticipant.findMany({ where: { meetingId: id }, select: { id: true, userId: true } });
    const yes = participants.filter((p) => present.has(p.userId)).map((p) => p.id);
    const no = participants.filter((p) => !present.has(p.userId)).map((p) => p.id);
    if (yes.length > 0) await tx.meetingParticipant.updateMany({ where: { id: { in: yes } }, data: { attended: true } });
    if (no.length > 0) await tx.meetingParticipant.updateMany({ where: { id: { in: no } }, data: { attended: false } });
    await tx.meeting.update({
      where: { id },
      // Attendance changed, so a previous "decisions held" verdict is re-examined on the next apply.
      data: { status: 'held', minutes, heldDecisionsReason: '', updatedAt: now },
    });
  });
}

export interface DecisionForm {
  kind: string;
  party: string;
  dueAt: string;
  reason: string;
  amount: string;
}

/** Records (or replaces) the decision on one agenda item of a held meeting, checked by the meeting rules. */
export async function recordDecision(db: DbOrTx, actor: Actor, id: number, itemId: number, form: DecisionForm, now: Date) {
  return inTransaction(db, async (tx) => {
    const meeting = await loadManaged(tx, actor, id);
    assertOpen(meeting);
    if (meeting.status !== 'held') throw new Conflict('meetings.error.recordAttendanceFirst');
    const item = await tx.agendaItem.findFirst({ where: { id: itemId, meetingId: id }, include: { issue: { select: { state: true } } } });
    if (!item) throw new NotFound();

    const dueAt = form.kind === 'assign' ? parseLocal(form.dueAt) : null;
    let amountFen: number | null = null;
    if (form.kind === 'open_vote' && form.amount.trim() !== '') {
      const parsed = parseYuanToFen(form.amount);
      amountFen = parsed.ok ? parsed.fen : Number.NaN;
    }
    const decision = {
      kind: form.kind,
      party: form.kind === 'assign' ? form.party : null,
      dueAt,
      reason: form.kind === 'reject' || form.kind === 'defer' ? form.reason.trim() : '',
      amountFen,
    };
    const errors = validateDecision(decision, item.issue?.state ?? null, now);
    if (errors.length > 0) {
      throw new ValidationFailed(errors.map((e) => ({ field: DECISION_FIELD[e.field], code: code(e.code) })));
    }
    const data = {
      kind: decision.kind,
      party: decision.party,
      dueAt: decision.dueAt,
      reason: decision.reason.slice(0, 2000),
      amountFen: decision.amountFen,
    };
    await tx.decision.upsert({ where: { agendaItemId: itemId }, create: { agendaItemId: itemId, ...data, createdAt: now }, update: data });
  });
}

export type ApplyOutcome = { status: 'applied'; steps: number } | { status: 'held'; missing: RequiredParty[] };

/**
 * Applies the minutes: every decision moves its issue in ONE transaction (an event on each links back to
 * the meeting), then the meeting closes, the decisions are published on each estate's notice board and
 * the participants are told. Without all three parties present nothing moves and the meeting records why.
 */
export async function applyMinutes(db: DbOrTx, actor: Actor, id: number, now: Date): Promise<ApplyOutcome> {
  const held = await inTransaction(db, async (tx): Promise<ApplyOutcome> => {
    const meeting = await loadManaged(tx, actor, id);
    const [participants, items, estates] = await Promise.all([
      tx.meetingParticipant.findMany({ where: { meetingId: id }, include: { user: { select: { displayName: true, role: true } } } }),
      tx.agendaItem.findMany({
        where: { meetingId: id },
        orderBy: [{ position: 'asc' }, { id: 'asc' }],
        include: { issue: { select: { id: true, state: true, title: true, estateId: true } }, decision: true },
      }),
      tx.meetingEstate.findMany({ where: { meetingId: id }, include: { estate: { select: { id: true, name: true } } } }),
    ]);
    const plan = planApplyMinutes(
      meeting,
      participants,
      items.map((item) => ({
        agendaItemId: item.id,
        issueId: item.issueId,
        issueState: item.issue?.state ?? null,
        decision: item.decision
          ? { kind: item.decision.kind, party: item.decision.party, dueAt: item.decision.dueAt, reason: item.decision.reason, amountFen: item.decision.amountFen }
          : null,
      })),
      now,
    );
    if (!plan.ok) {
      switch (plan.reason) {
        case 'already_applied':
          throw new Conflict('meetings.error.alreadyApplied');
        case 'not_held':
          throw new Conflict(meeting.status === 'scheduled' ? 'meetings.error.recordAttendanceFirst' : 'meetings.error.notHeld');
        case 'no_decisions':
          throw new Conflict('meetings.error.noDecisions');
        case 'invalid_decisions': {
          const positions = plan.errors.map((e) => items.find((i) => i.id === e.agendaItemId)?.position ?? 0);
          throw new Conflict('meetings.error.invalidDecisions', { items: positions.join(', ') });
        }
        case 'parties_missing':
          await tx.meeting.updateMany({
            where: { id, appliedAt: null },
            data: { heldDecisionsReason: `missing:${plan.missing.join(',')}`, updatedAt: now },
          });
          return { status: 'held', missing: plan.missing };
      }
    }

    // Claim the meeting first: a second apply racing this one finds appliedAt set and changes nothing.
    const claimed = await tx.meeting.updateMany({
      where: { id, appliedAt: null, status: 'held' },
      data: { appliedAt: now, status: 'closed', heldDecisionsReason: '', updatedAt: now },
    });
    if (claimed.count !== 1) throw new Conflict('meetings.error.alreadyApplied');

    for (const step of plan.steps) {
      await performIssueAction(tx, 'system', step.issueId, step.action, stepInput(step, meeting.id, meeting.title), { now });
    }
    const decided = items.filter((i) => i.decision !== null).map((i) => i.decision?.id as number);
    if (decided.length > 0) await tx.decision.updateMany({ where: { id: { in: decided } }, data: { appliedAt: now } });

    const stepOf = new Map(plan.steps.map((s) => [s.agendaItemId, s]));
    const rank = (party: string) => (PARTICIPANT_PARTIES as readonly string[]).indexOf(party);
    const attendees = participants.filter((p) => p.attended === true).sort((a, b) => rank(a.party) - rank(b.party) || a.id - b.id);
    for (const { estate } of estates) {
      const lines = items
        .filter((item) => item.issue === null || item.issue.estateId === estate.id)
        .map((item, index) => noticeLine(index + 1, item, stepOf.get(item.id)))
        .filter((line): line is string => line !== null);
      const body = [
        translate('zh-CN', 'meetings.notice.held', { title: meeting.title, startsAt: when(meeting.startsAt), place: meeting.place }),
        translate('zh-CN', 'meetings.notice.attendees', {
          // Residents read the board: resident representatives are named masked (张*), staff in full.
          names: attendees
            .map((p) => `${translate('zh-CN', `meetings.party.${p.party}`)} ${p.user.role === 'resident' ? maskName(p.user.displayName) : p.user.displayName}`)
            .join('、'),
        }),
        '',
        ...(lines.length > 0 ? lines : [translate('zh-CN', 'meetings.notice.none')]),
      ].join('\n');
      await publishNotice(tx, {
        estateId: estate.id,
        kind: 'meeting_decision',
        title: translate('zh-CN', 'meetings.notice.title', { title: meeting.title }),
        body,
        meetingId: meeting.id,
        createdById: actor.userId,
        publishedAt: now,
      });
    }
    await notify(
      tx,
      participants
        .filter((p) => p.userId !== actor.userId)
        .map((p) => ({
          userId: p.userId,
          kind: 'meeting_decisions_applied',
          params: { title: meeting.title, n: plan.steps.length },
          link: `/meetings/${id}`,
          meetingId: id,
        })),
    );
    return { status: 'applied', steps: plan.steps.length };
  });
  return held;
}

function stepInput(step: ApplyStep, meetingId: number, title: string) {
  const note = translate('zh-CN', 'meetings.event.note', { title });
  switch (step.action) {
    case 'meeting_assign':
      return { party: step.party, dueAt: step.dueAt, note, meetingId };
    case 'meeting_reject':
      return { reason: step.reason, meetingId };
    case 'meeting_open_vote':
      return { note: `${note} ${translate('zh-CN', 'meetings.event.amount', { amount: formatFen(step.amountFen) })}`, meetingId };
    case 'meeting_defer':
      return { note: step.reason ? `${note} ${step.reason}` : note, meetingId };
  }
}

type NoticeItem = {
  title: string;
  issue: { id: number } | null;
  decision: { kind: string; party: string | null; dueAt: Date | null; reason: string; amountFen: number | null } | null;
};

function noticeLine(n: number, item: NoticeItem, step: ApplyStep | undefined): string | null {
  const head = item.issue ? `${n}. ${item.title}（#${item.issue.id}）：` : `${n}. ${item.title}：`;
  const zh = (key: string, params?: Record<string, unknown>) => translate('zh-CN', key, params);
  if (item.issue && !step) return null; // decided elsewhere already: nothing decided here
  const d = item.decision;
  const kind = step ? step.action.replace('meeting_', '') : d?.kind ?? 'defer';
  switch (kind) {
    case 'assign':
      return head + zh('meetings.notice.assign', { party: zh(`meetings.party.${d?.party ?? ''}`), due: d?.dueAt ? when(d.dueAt) : '' });
    case 'open_vote':
      return head + zh('meetings.notice.openVote', { amount: formatFen(d?.amountFen ?? 0) });
    case 'reject':
      return head + zh('meetings.notice.reject', { reason: d?.reason ?? '' });
    default:
      return head + zh('meetings.notice.defer') + (d?.reason ? `（${d.reason}）` : '');
  }
}

// ───────────────────────────── action items ─────────────────────────────

export async function addActionItem(db: DbOrTx, actor: Actor, id: number, form: { ownerId: string; title: string; dueAt: string }, now: Date) {
  return inTransaction(db, async (tx) => {
    const meeting = await loadManaged(tx, actor, id);
    if (meeting.status === 'cancelled') throw new Conflict('meetings.error.cancelled');
    const errors: FieldError[] = [];
    const title = form.title.trim();
    if (title === '') errors.push({ field: 'actionTitle', code: 'required' });
    else if ([...title].length > ACTION_TITLE_MAX) errors.push({ field: 'actionTitle', code: 'too_long', params: { max: ACTION_TITLE_MAX } });
    const ownerId = Number(form.ownerId);
    const owner =
      form.ownerId === '' || !Number.isInteger(ownerId)
        ? null
        : await tx.meetingParticipant.findFirst({ where: { meetingId: id, userId: ownerId } });
    if (form.ownerId === '') errors.push({ field: 'actionOwner', code: 'required' });
    else if (!owner) errors.push({ field: 'actionOwner', code: 'meeting_not_participant' });
    const dueAt = parseLocal(form.dueAt);
    if (dueAt === null) errors.push({ field: 'actionDueAt', code: 'required' });
    else if (Number.isNaN(dueAt.getTime())) errors.push({ field: 'actionDueAt', code: 'invalid' });
    else if (dueAt <= now) errors.push({ field: 'actionDueAt', code: 'in_past' });
    if (errors.length > 0) throw new ValidationFailed(errors);
    const same = await tx.actionItem.findFirst({ where: { meetingId: id, ownerId, title, dueAt: dueAt as Date } });
    if (same) return same;
    return tx.actionItem.create({ data: { meetingId: id, ownerId, title, dueAt: dueAt as Date, createdAt: now } });
  });
}

/** Community staff, or the item's owner, mark an action item done; marking it again changes nothing. */
export async function completeActionItem(db: DbOrTx, actor: Actor, id: number, actionId: number, now: Date) {
  return inTransaction(db, async (tx) => {
    const meeting = await tx.meeting.findFirst({ where: { AND: [{ id }, visibleMeetingsWhere(actor)] } });
    if (!meeting) throw new NotFound();
    const item = await tx.actionItem.findFirst({ where: { id: actionId, meetingId: id } });
    if (!item || (!canManage(actor, meeting) && item.ownerId !== actor.userId)) throw new NotFound();
    await tx.actionItem.updateMany({ where: { id: actionId, doneAt: null }, data: { doneAt: now } });
  });
}

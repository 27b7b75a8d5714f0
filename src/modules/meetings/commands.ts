import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { reorder } from '../../domain/meeting-rules.ts';
import { notify, type NewNotification } from '../notifications/index.ts';
import { checkMeetingForm, parseId, parseLocal, when, type MeetingForm } from './meeting-form.ts';
import { doubleBookings, type DoubleBookingView } from './queries.ts';
import { canManage, loadManaged, loadVisible, requireMove } from './scope.ts';
import { auditMeeting, type AuditContext } from './audit.ts';
import { agendaItemRows, proposalsFor, proposedAgenda } from './auto-agenda.ts';

/**
 * Convening, editing and cancelling a meeting, its agenda and its action items. Each command runs in
 * the transaction its caller opened (the route or the demo seed); recording and applying the minutes
 * are in minutes.ts.
 */

const FREE_ITEM_TITLE_MAX = 100;
const ACTION_TITLE_MAX = 100;

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
 * Convenes a meeting: the meeting, its estates and invitees, the proposed agenda (every issue of the
 * estates awaiting a meeting), and the invitations. The same form sent twice convenes once. Double
 * bookings are returned as a warning; they do not stop the meeting. Convening is audited.
 */
export async function conveneMeeting(tx: DbTx, actor: Actor, form: MeetingForm, now: Date, ctx: AuditContext) {
  if (actor.role !== 'community' || actor.communityId === null) throw new NotFound();
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
      communityId: actor.communityId,
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
  // Issues awaiting a meeting, and (auto-agenda.ts) those overdue for days or bouncing, each with its source.
  const agenda = await proposedAgenda(tx, checked.estateIds, proposalsFor(meeting), now);
  if (agenda.length > 0) await tx.agendaItem.createMany({ data: agendaItemRows(meeting.id, agenda) });
  await notify(
    tx,
    checked.participants.filter((p) => p.userId !== actor.userId).map((p) => invitation(p.userId, meeting)),
  );
  await auditMeeting(tx, actor, ctx, now, meeting, {
    action: 'meeting.convene',
    after: {
      kind: meeting.kind,
      title: meeting.title,
      place: meeting.place,
      startsAt: when(meeting.startsAt),
      endsAt: when(meeting.endsAt),
      estateIds: checked.estateIds,
      participants: checked.participants.map((p) => ({ userId: p.userId, party: p.party })),
      agendaItems: agenda.length,
    },
  });
  const warnings = await doubleBookings(
    tx,
    meeting,
    checked.participants.map((p) => p.userId),
  );
  return { meetingId: meeting.id, duplicate: false, doubleBookings: warnings };
}

/**
 * Changes a scheduled meeting's time, place, title, kind and invitees. A change of time or place bumps the
 * iCalendar SEQUENCE and tells everyone still invited; new invitees get an invitation.
 */
export async function updateMeeting(tx: DbTx, actor: Actor, id: number, form: MeetingForm, now: Date) {
  const meeting = await loadManaged(tx, actor, id);
  requireMove(meeting, 'edit', now);
  const estateIds = (await tx.meetingEstate.findMany({ where: { meetingId: id }, select: { estateId: true } })).map(
    (e) => e.estateId,
  );
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
  const timeChanged =
    meeting.startsAt.getTime() !== checked.startsAt.getTime() || meeting.endsAt.getTime() !== checked.endsAt.getTime();
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
  return {
    meetingId: id,
    doubleBookings: await doubleBookings(
      tx,
      updated,
      checked.participants.map((p) => p.userId),
    ),
  };
}

/**
 * Cancels a scheduled meeting; calendars drop it (STATUS:CANCELLED with a new SEQUENCE). Twice is once
 * (and audited once).
 */
export async function cancelMeeting(tx: DbTx, actor: Actor, id: number, now: Date, ctx: AuditContext) {
  const meeting = await loadManaged(tx, actor, id);
  const to = requireMove(meeting, 'cancel', now);
  if (meeting.status === to) return;
  await tx.meeting.update({ where: { id }, data: { status: to, sequence: { increment: 1 }, updatedAt: now } });
  await auditMeeting(tx, actor, ctx, now, meeting, {
    action: 'meeting.cancel',
    before: { status: meeting.status },
    after: { status: to },
    note: meeting.title,
  });
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
}

// ───────────────────────────── agenda ─────────────────────────────

/**
 * Adds issues escalated since the agenda was built (and those now overdue for days or bouncing), after
 * the items already there, in agenda order.
 */
export async function refreshAgenda(tx: DbTx, actor: Actor, id: number, now: Date) {
  const meeting = await loadManaged(tx, actor, id);
  requireMove(meeting, 'edit_agenda', now);
  const [estates, items] = await Promise.all([
    tx.meetingEstate.findMany({ where: { meetingId: id }, select: { estateId: true } }),
    tx.agendaItem.findMany({ where: { meetingId: id }, select: { issueId: true, position: true } }),
  ]);
  const onAgenda = new Set(items.map((i) => i.issueId));
  const last = items.reduce((max, i) => Math.max(max, i.position), 0);
  const proposed = await proposedAgenda(
    tx,
    estates.map((e) => e.estateId),
    proposalsFor(meeting),
    now,
    { skip: onAgenda, after: last },
  );
  if (proposed.length > 0) await tx.agendaItem.createMany({ data: agendaItemRows(id, proposed) });
  return proposed.length;
}

export async function addFreeItem(tx: DbTx, actor: Actor, id: number, title: string, now: Date) {
  const trimmed = title.trim();
  if (trimmed === '') throw new ValidationFailed([{ field: 'agendaTitle', code: 'required' }]);
  if ([...trimmed].length > FREE_ITEM_TITLE_MAX) {
    throw new ValidationFailed([{ field: 'agendaTitle', code: 'too_long', params: { max: FREE_ITEM_TITLE_MAX } }]);
  }
  requireMove(await loadManaged(tx, actor, id), 'edit_agenda', now);
  // The same item sent twice (a double tap) is added once.
  const same = await tx.agendaItem.findFirst({ where: { meetingId: id, issueId: null, title: trimmed } });
  if (same) return same;
  const last = await tx.agendaItem.aggregate({ where: { meetingId: id }, _max: { position: true } });
  return tx.agendaItem.create({
    data: { meetingId: id, issueId: null, title: trimmed, position: (last._max.position ?? 0) + 1 },
  });
}

export async function moveAgendaItem(tx: DbTx, actor: Actor, id: number, itemId: number, direction: 'up' | 'down', now: Date) {
  requireMove(await loadManaged(tx, actor, id), 'edit_agenda', now);
  const items = await tx.agendaItem.findMany({ where: { meetingId: id }, select: { id: true, position: true } });
  if (!items.some((i) => i.id === itemId)) throw new NotFound();
  const before = new Map(items.map((i) => [i.id, i.position]));
  for (const item of reorder(items, itemId, direction)) {
    if (before.get(item.id) !== item.position)
      await tx.agendaItem.update({ where: { id: item.id }, data: { position: item.position } });
  }
}

/** Removes a free item; an issue stays on the agenda until the meeting decides or defers it. */
export async function removeFreeItem(tx: DbTx, actor: Actor, id: number, itemId: number, now: Date) {
  requireMove(await loadManaged(tx, actor, id), 'edit_agenda', now);
  const item = await tx.agendaItem.findFirst({ where: { id: itemId, meetingId: id } });
  if (!item) throw new NotFound();
  if (item.issueId !== null) throw new Conflict('meetings.error.issueItemStays');
  await tx.agendaItem.delete({ where: { id: itemId } });
}

// ───────────────────────────── action items ─────────────────────────────

export async function addActionItem(
  tx: DbTx,
  actor: Actor,
  id: number,
  form: { ownerId: string; title: string; dueAt: string },
  now: Date,
) {
  requireMove(await loadManaged(tx, actor, id), 'add_action_item', now);
  const errors: FieldError[] = [];
  const title = form.title.trim();
  if (title === '') errors.push({ field: 'actionTitle', code: 'required' });
  else if ([...title].length > ACTION_TITLE_MAX)
    errors.push({ field: 'actionTitle', code: 'too_long', params: { max: ACTION_TITLE_MAX } });
  const ownerId = parseId(form.ownerId);
  const owner = ownerId === null ? null : await tx.meetingParticipant.findFirst({ where: { meetingId: id, userId: ownerId } });
  if (form.ownerId === '') errors.push({ field: 'actionOwner', code: 'required' });
  else if (!owner) errors.push({ field: 'actionOwner', code: 'meeting_not_participant' });
  const dueAt = parseLocal(form.dueAt);
  if (dueAt === null) errors.push({ field: 'actionDueAt', code: 'required' });
  else if (Number.isNaN(dueAt.getTime())) errors.push({ field: 'actionDueAt', code: 'invalid' });
  else if (dueAt <= now) errors.push({ field: 'actionDueAt', code: 'in_past' });
  if (errors.length > 0) throw new ValidationFailed(errors);
  const same = await tx.actionItem.findFirst({
    where: { meetingId: id, ownerId: ownerId as number, title, dueAt: dueAt as Date },
  });
  if (same) return same;
  return tx.actionItem.create({
    data: { meetingId: id, ownerId: ownerId as number, title, dueAt: dueAt as Date, createdAt: now },
  });
}

/** Community staff, or the item's owner, mark an action item done; marking it again changes nothing. */
export async function completeActionItem(tx: DbTx, actor: Actor, id: number, actionId: number, now: Date) {
  const meeting = await loadVisible(tx, actor, id);
  const item = await tx.actionItem.findFirst({ where: { id: actionId, meetingId: id } });
  if (!item || (!canManage(actor, meeting) && item.ownerId !== actor.userId)) throw new NotFound();
  await tx.actionItem.updateMany({ where: { id: actionId, doneAt: null }, data: { doneAt: now } });
}

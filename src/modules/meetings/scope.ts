import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, NotFound } from '../../errors.ts';
import { meetingTransition, type MeetingAction, type MeetingRefusal, type MeetingStatus } from '../../domain/meeting-status.ts';

/**
 * Meetings an actor may see: community staff those of their community; property and committee staff
 * those of the estates they serve; residents only those they are invited to. A meeting touching an estate
 * outside the actor's scope is invisible (404) as a whole.
 */
export function visibleMeetingsWhere(
  actor: Pick<Actor, 'userId' | 'role' | 'estateIds' | 'communityId'>,
): Prisma.MeetingWhereInput {
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

/** The meeting, if the actor may see it (else NotFound). */
export async function loadVisible(tx: DbTx, actor: Actor, id: number) {
  const meeting = await tx.meeting.findFirst({ where: { AND: [{ id }, visibleMeetingsWhere(actor)] } });
  if (!meeting) throw new NotFound();
  return meeting;
}

/** The meeting, if the actor runs it; to anyone else it is not there. */
export async function loadManaged(tx: DbTx, actor: Actor, id: number) {
  const meeting = await loadVisible(tx, actor, id);
  if (!canManage(actor, meeting)) throw new NotFound();
  return meeting;
}

const REFUSAL_MESSAGE: Readonly<Record<MeetingRefusal, string>> = {
  not_scheduled: 'meetings.error.notScheduled',
  closed: 'meetings.error.closed',
  cancelled: 'meetings.error.cancelled',
  not_started: 'meetings.error.notStarted',
  attendance_first: 'meetings.error.recordAttendanceFirst',
  not_held: 'meetings.error.notHeld',
  already_applied: 'meetings.error.alreadyApplied',
};

/** The status `action` leaves the meeting in, by the status table; a refusal is a Conflict saying why. */
export function requireMove(
  meeting: { status: string; appliedAt: Date | null; startsAt: Date },
  action: MeetingAction,
  now: Date,
): MeetingStatus {
  const move = meetingTransition({ ...meeting, status: meeting.status as MeetingStatus }, action, now);
  if (!move.ok) throw new Conflict(REFUSAL_MESSAGE[move.error]);
  return move.to;
}

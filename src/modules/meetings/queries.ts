import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound } from '../../errors.ts';
import {
  PARTICIPANT_PARTIES,
  findDoubleBookings,
  type BookedMeeting,
  type ParticipantParty,
} from '../../domain/meeting-rules.ts';
import { maskName } from '../../domain/privacy.ts';
import { meetingCandidates } from '../auth/index.ts';
import { allEstates, estatesByIds } from '../places/index.ts';
import { visibleMeetingsWhere } from './scope.ts';

/** Reads for the meeting pages: the list, one meeting, who may be invited, and double bookings. */

/** Parties in a fixed order (community, property, committee, resident reps) rather than alphabetical. */
export const partyRank = (party: string) => (PARTICIPANT_PARTIES as readonly string[]).indexOf(party);

export async function listMeetings(db: DbTx, actor: Actor, query: { estateId?: number; now: Date }) {
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
  const estates = actor.role === 'admin' ? await allEstates(db) : await estatesByIds(db, actor.estateIds);
  return { upcoming, past, estates: estates.map((e) => ({ id: e.id, name: e.name })) };
}

export async function getMeetingForActor(db: DbTx, actor: Actor, id: number) {
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
          issue: {
            select: {
              id: true,
              title: true,
              state: true,
              emergency: true,
              estateId: true,
              supportCount: true,
            },
          },
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
  meeting.participants.sort((a, b) => partyRank(a.party) - partyRank(b.party) || a.id - b.id);
  // A resident representative sees the other residents invited by masked name only (docs/domain.md, Scope).
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

export interface Candidate {
  userId: number;
  displayName: string;
  orgName: string;
  party: ParticipantParty;
  /** A resident representative's home estate. */
  estateName: string;
}

const PARTY_OF_ROLE: Readonly<Record<string, ParticipantParty>> = {
  community: 'community',
  property: 'property',
  committee: 'committee',
  resident: 'resident_rep',
};

/**
 * Who may be invited to a meeting on these estates: community staff of the community, property and
 * committee staff serving one of the estates, and residents of the estates as resident representatives.
 */
export async function participantCandidates(db: DbTx, communityId: number, estateIds: number[]): Promise<Candidate[]> {
  if (estateIds.length === 0) return [];
  const users = await meetingCandidates(db, communityId, estateIds);
  return users
    .map((u) => ({
      userId: u.id,
      displayName: u.displayName,
      orgName: u.orgName,
      party: PARTY_OF_ROLE[u.role] as ParticipantParty,
      estateName: u.role === 'resident' ? (u.estate?.name ?? '') : '',
    }))
    .sort((a, b) => partyRank(a.party) - partyRank(b.party) || a.userId - b.userId);
}

/** Estates of the actor's community that community staff may convene for. */
export async function convenableEstates(db: DbTx, actor: Actor): Promise<{ id: number; name: string }[]> {
  if (actor.role !== 'community' || actor.communityId === null) return [];
  const estates = await estatesByIds(db, actor.estateIds);
  return estates.filter((e) => e.communityId === actor.communityId).map((e) => ({ id: e.id, name: e.name }));
}

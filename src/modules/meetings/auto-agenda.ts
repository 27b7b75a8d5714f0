import type { FastifyInstance } from 'fastify';
import type { ScheduledJob } from '../../scheduler.ts';
import { inTransaction, type DbTx } from '../../plugins/db.ts';
import { buildAgenda } from '../../domain/meeting-rules.ts';
import { issuesAwaitingMeeting, issuesDueForMeeting } from '../issues/index.ts';
import { notify } from '../notifications/index.ts';

/**
 * The joint meeting's agenda proposed by the system (docs/domain.md, Joint meeting; Reminders): issues
 * waiting for a meeting to decide them, and issues overdue for days or bounced between parties, which
 * the meeting takes up to press the parties (issues/agenda-reads.ts says which). An emergency meeting is
 * called for one danger and gets only what waits for a meeting, not the backlog.
 */

export type AgendaSource = 'awaiting_meeting' | 'overdue' | 'bouncing';

export interface ProposedItem {
  issueId: number;
  title: string;
  /** 1-based, after `after`. */
  position: number;
  source: AgendaSource;
}

/** Which proposals a meeting takes: an emergency one only what waits for a meeting to decide. */
export function proposalsFor(meeting: { kind: string }): { awaiting: boolean; supervision: boolean } {
  return { awaiting: true, supervision: meeting.kind !== 'emergency' };
}

/**
 * The items to add to a meeting of these estates, positions following `after`: first the issues waiting
 * for the meeting to decide (in the agenda's order: emergencies, longest waiting, most supported), then
 * those it is to supervise, each with its source. Issues in `skip` (already on this agenda) are left out.
 */
export async function proposedAgenda(
  tx: DbTx,
  estateIds: number[],
  take: { awaiting: boolean; supervision: boolean },
  now: Date,
  options: { skip?: ReadonlySet<number | null>; after?: number } = {},
): Promise<ProposedItem[]> {
  const skip = options.skip ?? new Set<number | null>();
  const awaiting = take.awaiting ? (await issuesAwaitingMeeting(tx, estateIds)).filter((i) => !skip.has(i.issueId)) : [];
  const due = take.supervision ? (await issuesDueForMeeting(tx, estateIds, now)).filter((i) => !skip.has(i.issueId)) : [];
  const reasons = new Map<number | null, AgendaSource>(due.map((i) => [i.issueId, i.reason]));
  const ordered = [
    ...buildAgenda(awaiting, []).map((a) => ({ ...a, source: 'awaiting_meeting' as AgendaSource })),
    ...buildAgenda(due, []).map((a) => ({ ...a, source: reasons.get(a.issueId) ?? 'overdue' })),
  ];
  const after = options.after ?? 0;
  return ordered.map((a, index) => ({ issueId: a.issueId ?? 0, title: a.title, position: after + index + 1, source: a.source }));
}

export function agendaItemRows(meetingId: number, items: readonly ProposedItem[]) {
  return items.map((a) => ({ meetingId, issueId: a.issueId, title: a.title, position: a.position, source: a.source }));
}

/** Meetings looked at per run; a community rarely has more than a few scheduled ahead. */
const MEETINGS_BATCH = 100;

/**
 * Adds the issues now overdue for days or bouncing to the next scheduled meeting (not yet started, not an
 * emergency one) of their estate, and tells its convener once per batch. Meetings are taken soonest
 * first, each in its own transaction, so an issue goes to the first meeting that covers its estate and
 * the later ones find it already on a meeting's agenda. Running again adds nothing twice: an issue on a
 * scheduled meeting's agenda is not proposed again (and AgendaItem's (meetingId, issueId) key holds).
 */
async function proposeForUpcomingMeetings(app: FastifyInstance, now: Date): Promise<number> {
  const meetings = await app.db.meeting.findMany({
    where: { status: 'scheduled', startsAt: { gt: now }, kind: { not: 'emergency' } },
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    take: MEETINGS_BATCH,
    select: { id: true },
  });
  let added = 0;
  for (const { id } of meetings) added += await inTransaction(app.db, (tx) => proposeForMeeting(tx, id, now));
  return added;
}

async function proposeForMeeting(tx: DbTx, id: number, now: Date): Promise<number> {
  const meeting = await tx.meeting.findFirst({
    where: { id, status: 'scheduled', startsAt: { gt: now } },
    select: { id: true, title: true, convenerId: true, estates: { select: { estateId: true } } },
  });
  if (!meeting) return 0;
  const last = await tx.agendaItem.aggregate({ where: { meetingId: id }, _max: { position: true } });
  const items = await proposedAgenda(
    tx,
    meeting.estates.map((e) => e.estateId),
    { awaiting: false, supervision: true },
    now,
    { after: last._max.position ?? 0 },
  );
  if (items.length === 0) return 0;
  await tx.agendaItem.createMany({ data: agendaItemRows(id, items) });
  await notify(
    tx,
    [
      {
        userId: meeting.convenerId,
        kind: 'meeting_agenda_proposed',
        params: { title: meeting.title, n: items.length },
        link: `/meetings/${id}#agenda`,
        meetingId: id,
        dedupeKey: `meeting_agenda_proposed:${id}:${now.toISOString()}`,
      },
    ],
    { now },
  );
  return items.length;
}

export const autoAgendaJob: ScheduledJob = { name: 'propose-overdue-issues-for-meetings', run: proposeForUpcomingMeetings };

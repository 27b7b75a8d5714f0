import type { DbTx } from '../../plugins/db.ts';
import type { AgendaIssue } from '../../domain/meeting-rules.ts';
import { ISSUE_STATES } from '../../domain/issue-workflow.ts';
import {
  AGENDA_CANDIDATE_STATES,
  agendaOverdueCutoff,
  agendaReason,
  currentDeadline,
  type AgendaReason,
} from '../../domain/reminders.ts';
import { agendaOverdueDays, estateReminderSettings } from '../places/index.ts';

/**
 * What the meetings module needs of issues: the issues a joint meeting is proposed to decide, and the
 * state of the issues on an agenda when a decision is recorded or the minutes are applied.
 */

/** Issues of these estates waiting for a joint meeting, with what the agenda orders them by. */
export async function issuesAwaitingMeeting(db: DbTx, estateIds: number[]): Promise<AgendaIssue[]> {
  const issues = await db.issue.findMany({
    where: { estateId: { in: estateIds }, state: 'awaiting_meeting' },
    select: {
      id: true,
      title: true,
      emergency: true,
      updatedAt: true,
      supportCount: true,
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
    supportCount: i.supportCount,
  }));
}

/** The current state and estate of each of these issues, by id. */
export async function agendaIssueStates(db: DbTx, issueIds: number[]): Promise<Map<number, { state: string; estateId: number }>> {
  if (issueIds.length === 0) return new Map();
  const rows = await db.issue.findMany({ where: { id: { in: issueIds } }, select: { id: true, state: true, estateId: true } });
  return new Map(rows.map((r) => [r.id, { state: r.state, estateId: r.estateId }]));
}

/** An issue the scheduler proposes for the joint meeting, with why. */
export interface ProposedAgendaIssue extends AgendaIssue {
  reason: AgendaReason;
}

/** At most this many proposals a call: more than a meeting can take up, and a bound on one job's batch. */
const PROPOSALS_MAX = 200;
const DEFAULT_BOUNCING_THRESHOLD = 2;

/**
 * Issues of these estates still held by the parties that have been overdue for the set number of days
 * (`reminders.agendaOverdueDays`, default 3) or bounced between parties (the estate's bouncingThreshold),
 * and are not on the agenda of a meeting still to be held: what the joint meeting should take up next
 * (domain/reminders.ts, agendaReason). Read on the estates' (estateId, state, …) ranges; the rule then
 * applies each estate's own threshold. Ordered for the agenda by how long past the deadline.
 */
export async function issuesDueForMeeting(db: DbTx, estateIds: number[], now: Date): Promise<ProposedAgendaIssue[]> {
  if (estateIds.length === 0) return [];
  const overdueDays = await agendaOverdueDays(db);
  const settings = await estateReminderSettings(db, estateIds);
  const thresholds = [...settings.values()].map((s) => s.bouncingThreshold);
  const bouncingFrom = thresholds.length > 0 ? Math.min(...thresholds) : DEFAULT_BOUNCING_THRESHOLD;
  const cutoff = agendaOverdueCutoff(now, overdueDays);
  // No take (Prisma would order by id, and SQLite walk the table in that order): the estates' open
  // issues are a bounded set, read on the (estateId, state, …) index.
  const rows = await db.issue.findMany({
    where: {
      estateId: { in: estateIds },
      state: { in: [...AGENDA_CANDIDATE_STATES] },
      OR: [
        { state: ISSUE_STATES.submitted, respondBy: { lte: cutoff } },
        { state: { not: ISSUE_STATES.submitted }, resolveBy: { lte: cutoff } },
        { handoffCount: { gte: bouncingFrom } },
      ],
      agendaItems: { none: { meeting: { status: 'scheduled' } } },
    },
    select: {
      id: true,
      title: true,
      emergency: true,
      supportCount: true,
      estateId: true,
      state: true,
      respondBy: true,
      resolveBy: true,
      handoffCount: true,
    },
  });
  const proposals = rows.flatMap((r) => {
    const bouncingThreshold = settings.get(r.estateId)?.bouncingThreshold ?? DEFAULT_BOUNCING_THRESHOLD;
    const reason = agendaReason(r, now, { overdueDays, bouncingThreshold });
    const deadline = currentDeadline(r);
    if (reason === null || deadline === null) return [];
    // Waiting since its deadline passed: the agenda puts the longest waiting first.
    return [
      { issueId: r.id, title: r.title, emergency: r.emergency, escalatedAt: deadline.at, supportCount: r.supportCount, reason },
    ];
  });
  // A backlog beyond one agenda's worth waits for the next meeting, longest overdue first on this one.
  return proposals
    .sort((a, b) => a.escalatedAt.getTime() - b.escalatedAt.getTime() || a.issueId - b.issueId)
    .slice(0, PROPOSALS_MAX);
}

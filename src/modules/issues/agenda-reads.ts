import type { DbTx } from '../../plugins/db.ts';
import type { AgendaIssue } from '../../domain/meeting-rules.ts';

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

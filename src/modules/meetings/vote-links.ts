import type { DbTx } from '../../plugins/db.ts';

/**
 * What the votes module needs of a joint meeting's decisions: the latest "put it to the owners' vote"
 * decision on an issue, whose amount prefills the draft and to which the proposal is linked.
 */
export function openVoteDecisionOfIssue(db: DbTx, issueId: number): Promise<{ id: number; amountFen: number | null } | null> {
  return db.decision.findFirst({
    where: { kind: 'open_vote', agendaItem: { issueId } },
    orderBy: { id: 'desc' },
    select: { id: true, amountFen: true },
  });
}

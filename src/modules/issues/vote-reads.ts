import type { DbTx } from '../../plugins/db.ts';

/**
 * Reads of issues the votes module needs: the issue a fund proposal is drafted from, and the state of
 * the issue a vote's result (or an emergency confirmation) is applied to. The moves themselves go
 * through `performIssueAction`.
 */

/** An issue of one of these estates, with what drafting a proposal from it needs. */
export function issueForFundDraft(db: DbTx, estateIds: number[], issueId: number) {
  return db.issue.findFirst({
    where: { id: issueId, estateId: { in: estateIds } },
    select: {
      id: true,
      estateId: true,
      state: true,
      title: true,
      assignedParty: true,
      emergency: true,
      buildingId: true,
      // the suggested vote title names the works by the issue's category
      category: { select: { nameZh: true, nameEn: true } },
    },
  });
}

export function issueStateForVote(db: DbTx, issueId: number) {
  return db.issue.findUnique({ where: { id: issueId }, select: { id: true, state: true, emergency: true } });
}

import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
// The visibility rules are pure domain functions, so attachments need neither the issues nor the votes
// module (both of which store their files through this one).
import { visibleIssues } from '../../domain/issue-visibility.ts';
import { visibleProposals } from '../../domain/proposal-workflow.ts';

/**
 * A file is visible when what it is attached to is: its issue (directly, or through a comment or event
 * of the issue), a fund proposal the actor may see (residents never see drafts, so never their quotes), or
 * a ledger entry or a notice of an estate the actor sees, or (committee and community staff) a ballot
 * change of a vote of their estate.
 */
export function attachmentVisibleWhere(actor: Actor): Prisma.AttachmentWhereInput {
  if (actor.role === 'admin') return {};
  const issues: Prisma.IssueWhereInput = visibleIssues(actor);
  const estates: Prisma.IntFilter = { in: actor.estateIds };
  return {
    OR: [
      { issue: { is: issues } },
      { comment: { is: { issue: issues } } },
      { event: { is: { issue: issues } } },
      { proposal: { is: visibleProposals(actor) } },
      { ledgerEntry: { is: { estateId: estates } } },
      // a notice's photos and scans, to whoever reads the notice: a withdrawn one's only to the staff who keep it
      { notice: { is: actor.role === 'resident' ? { estateId: estates, withdrawnAt: null } : { estateId: estates } } },
      // the signed ballot or written proxy behind a recorded ballot: personal, so only the committee and
      // community staff of the estate, who keep and answer for the register
      ...(actor.role === 'committee' || actor.role === 'community'
        ? [{ ballotChange: { is: { proposal: { estateId: estates } } } }]
        : []),
    ],
  };
}

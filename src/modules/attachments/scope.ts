import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import { visibleIssuesWhere } from '../issues/scope.ts';
import { visibleProposalsWhere } from '../votes/scope.ts';

/**
 * A file is visible when what it is attached to is: its issue (directly, or through a comment or event
 * of the issue), a fund proposal the actor may see (residents never see drafts, so never their quotes), or
 * a ledger entry of an estate the actor sees.
 */
export function attachmentVisibleWhere(actor: Actor): Prisma.AttachmentWhereInput {
  if (actor.role === 'admin') return {};
  const issues = visibleIssuesWhere(actor);
  const estates: Prisma.IntFilter = { in: actor.estateIds };
  return {
    OR: [
      { issue: { is: issues } },
      { comment: { is: { issue: issues } } },
      { event: { is: { issue: issues } } },
      { proposal: { is: visibleProposalsWhere(actor) } },
      { ledgerEntry: { is: { estateId: estates } } },
    ],
  };
}

import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';

/**
 * Proposals the actor may see: those of their estates (admin: all). Residents never see drafts (or
 * withdrawn drafts): they are the committee's working papers, not yet the owners' business. Everything
 * hanging off a proposal (its quotes, its row on an issue page) is scoped by this too.
 */
export function visibleProposalsWhere(actor: Actor): Prisma.FundProposalWhereInput {
  if (actor.role === 'admin') return {};
  const where: Prisma.FundProposalWhereInput = { estateId: { in: actor.estateIds } };
  if (actor.role === 'resident') where.status = { notIn: ['draft', 'cancelled'] };
  return where;
}

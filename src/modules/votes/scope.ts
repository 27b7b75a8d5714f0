import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Forbidden, NotFound } from '../../errors.ts';
import { visibleProposals } from '../../domain/proposal-workflow.ts';

/** Proposals the actor may see (the rule is `visibleProposals` in src/domain/proposal-workflow.ts). */
export function visibleProposalsWhere(actor: Actor): Prisma.FundProposalWhereInput {
  return visibleProposals(actor);
}

/** A proposal the actor may see; anything else is a 404, so scope does not leak. */
export async function loadProposal(db: DbTx, actor: Actor, id: number) {
  const proposal = await db.fundProposal.findFirst({ where: { AND: [{ id }, visibleProposalsWhere(actor)] } });
  if (!proposal) throw new NotFound();
  return proposal;
}

/** Committee members of the proposal's estate manage it; anyone else with sight of it gets a clear no. */
export function requireCommittee(actor: Actor, estateId: number): void {
  if (actor.role !== 'committee' || !actor.estateIds.includes(estateId)) throw new Forbidden('votes.errors.committeeOnly');
}

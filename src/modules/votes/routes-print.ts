import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NotFound } from '../../errors.ts';
import { actorOf, requireActor } from '../../lib/guards.ts';
import { PROPOSAL_STATUS } from '../../domain/proposal-workflow.ts';
import { printPageData } from '../notices/index.ts';
import { registerFacts } from './register.ts';
import { visibleProposalsWhere } from './scope.ts';
import { IdParams } from './schemas.ts';

/** Votes whose result is published: closed by their tally, passed or failed. */
const DECIDED: readonly string[] = [PROPOSAL_STATUS.passed, PROPOSAL_STATUS.failed];

/**
 * A closed vote's result as one printable A4 sheet for the lobby board (issue #12), in Chinese, with the
 * facts the published result states (the register's heading facts: electorate, period, record date, heads
 * and areas, any early close) and a QR code to the vote online. Whoever may see the vote may print it.
 */
export default async function votePrintRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/votes/:id/result/print', { preHandler: requireActor, schema: { params: IdParams } }, async (request, reply) => {
    const id = request.params.id;
    const proposal = await app.db.fundProposal.findFirst({
      where: { AND: [{ id }, visibleProposalsWhere(actorOf(request))] },
      include: {
        estate: { select: { id: true, name: true } },
        buildings: { include: { building: { select: { name: true } } } },
      },
    });
    if (!proposal || !DECIDED.includes(proposal.status)) throw new NotFound();
    return reply.page('votes/result-print.njk', {
      proposal,
      facts: await registerFacts(app.db, proposal, 'zh-CN'),
      ...(await printPageData(request, `/votes/${id}`, `/votes/${id}`)),
    });
  });
}

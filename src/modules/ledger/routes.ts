import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, requireActor, requireRole } from '../auth/guards.ts';
import { checkUploads } from '../attachments/service.ts';
import { fieldFiles, fieldText } from '../../plugins/uploads.ts';
import { ValidationFailed, type FieldError } from '../../errors.ts';
import { getLedger, recordSpending, type SpendInput } from './service.ts';

export default async function ledgerRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  async function render(request: FastifyRequest, reply: FastifyReply, estateId: number | undefined, values: Partial<SpendInput>, errors: FieldError[]) {
    const ledger = await getLedger(app.db, actorOf(request), estateId);
    const query = request.query as Record<string, string | undefined>;
    return reply.page('ledger/index.njk', {
      ...ledger,
      values,
      errors,
      recorded: query.recorded === '1',
      maxFiles: app.config.uploadMaxFiles,
      maxMb: Math.round(app.config.uploadMaxBytes / 1048576),
    });
  }

  app.get(
    '/ledger',
    { preHandler: requireActor, schema: { querystring: Type.Object({ estate: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })), recorded: Type.Optional(Type.String({ maxLength: 2 })) }) } },
    async (request, reply) => render(request, reply, request.query.estate, {}, []),
  );

  app.post('/ledger/spend', { preHandler: requireRole('committee', 'property') }, async (request, reply) => {
    const actor = actorOf(request);
    const input: SpendInput = {
      proposalId: fieldText(request.body, 'proposalId'),
      amount: fieldText(request.body, 'amount'),
      note: fieldText(request.body, 'note'),
    };
    const estateText = fieldText(request.body, 'estateId');
    const estateId = /^\d{1,9}$/.test(estateText) ? Number(estateText) : undefined;
    const upload = checkUploads(fieldFiles(request.body, 'receipts'), 'spendReceipts', {
      maxFiles: app.config.uploadMaxFiles,
      maxBytes: app.config.uploadMaxBytes,
      documents: true,
    });
    if (upload.errors.length > 0) {
      reply.code(400);
      return render(request, reply, estateId, input, upload.errors);
    }
    try {
      const result = await recordSpending(app.db, actor, input, upload.files, app.config.uploadDir, app.now());
      return reply.redirect(`/ledger?estate=${result.estateId}&recorded=1`, 303);
    } catch (error) {
      if (error instanceof ValidationFailed) {
        reply.code(400);
        return render(request, reply, estateId, input, error.errors);
      }
      throw error;
    }
  });
}

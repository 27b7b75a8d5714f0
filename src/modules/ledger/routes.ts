import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf, requireActor, requireRole } from '../../lib/guards.ts';
import { acceptUploads, withStoredFiles } from '../attachments/index.ts';
import { inTransaction } from '../../plugins/db.ts';
import type { FieldError } from '../../errors.ts';
import { errorsAs, formHandler } from '../../lib/form.ts';
import { getLedger } from './queries.ts';
import { recordSpending } from './commands.ts';
import { LedgerQuery, SPEND_FIELDS, SpendForm } from './schemas.ts';

export default async function ledgerRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const uploadLimits = () => ({ maxFiles: app.config.uploadMaxFiles, maxBytes: app.config.uploadMaxBytes, documents: true });

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    estateId: number | undefined,
    values: Record<string, unknown>,
    errors: FieldError[],
  ) {
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

  app.get('/ledger', { preHandler: requireActor, schema: { querystring: LedgerQuery } }, async (request, reply) =>
    render(request, reply, request.query.estate, {}, []),
  );

  app.post(
    '/ledger/spend',
    { preHandler: requireRole('committee', 'property') },
    formHandler({
      schema: SpendForm,
      act: async ({ request, value, files }) => {
        const actor = actorOf(request);
        const receipts = acceptUploads(files.receipts, 'spendReceipts', uploadLimits());
        const spent = await withStoredFiles(app.config.uploadDir, receipts, (stored) =>
          inTransaction(app.db, (tx) => recordSpending(tx, actor, value, stored, app.now(), { ip: request.ip })),
        );
        return `/ledger?estate=${spent.estateId}&recorded=1`;
      },
      render: ({ request, reply, raw }, errors) => {
        const estate = typeof raw.estateId === 'string' && /^[1-9]\d{0,8}$/.test(raw.estateId) ? Number(raw.estateId) : undefined;
        return render(request, reply, estate, raw, errorsAs(errors, SPEND_FIELDS));
      },
    }),
  );
}

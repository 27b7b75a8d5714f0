import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf, requireActor, requireRole } from '../../lib/guards.ts';
import { csvDownloadHeaders, csvStream, type CsvValue } from '../../lib/csv.ts';
import { inTransaction } from '../../plugins/db.ts';
import { translator } from '../../i18n/index.ts';
import { formatShanghai } from '../../domain/deadlines.ts';
import {
  auditRegisterExport,
  getRegisterPage,
  loadRegister,
  registerBatches,
  registerCsvHeader,
  registerCsvRow,
  registerFacts,
} from './register.ts';
import { IdParams } from './schemas.ts';

/**
 * The register of a vote: inspection by the owners of the electorate and the staff, and the staff's
 * exports for the owners' meeting or a court (CSV, printable A4 page), each export audited.
 */
export default async function voteRegisterRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const exporters = requireRole('committee', 'community');
  const schema = { params: IdParams };

  app.get('/votes/:id/register', { preHandler: requireActor, schema }, async (request, reply) => {
    const page = await getRegisterPage(app.db, actorOf(request), request.params.id, request.locale);
    return reply.page('votes/register.njk', page);
  });

  /** Loads the register for the staff and audits the export, before anything is sent. */
  async function exportOf(actor: ReturnType<typeof actorOf>, id: number, format: 'csv' | 'print', ip: string) {
    return inTransaction(app.db, async (tx) => {
      const loaded = await loadRegister(tx, actor, id, true);
      await auditRegisterExport(tx, actor, loaded.proposal, format, app.now(), { ip });
      return loaded;
    });
  }

  app.get('/votes/:id/register.csv', { preHandler: exporters, schema }, async (request, reply) => {
    const actor = actorOf(request);
    const { proposal, reader } = await exportOf(actor, request.params.id, 'csv', request.ip);
    const zh = translator('zh-CN');
    const facts = await registerFacts(app.db, proposal, 'zh-CN');
    const preamble: CsvValue[][] = [
      ...facts.map((f): CsvValue[] => [f.label, f.value]),
      [zh('votes.register.exportedBy'), `${actor.displayName} ${formatShanghai(app.now(), 'zh-CN')}`],
      [],
      registerCsvHeader(),
    ];
    async function* rows(): AsyncGenerator<CsvValue[][]> {
      yield preamble;
      for await (const batch of registerBatches(app.db, proposal, reader)) yield batch.map(registerCsvRow);
    }
    reply.headers(csvDownloadHeaders(`vote-${proposal.id}-register.csv`));
    return reply.send(csvStream([zh('votes.register.title'), proposal.title], rows()));
  });

  app.get('/votes/:id/register/print', { preHandler: exporters, schema }, async (request, reply) => {
    const actor = actorOf(request);
    await exportOf(actor, request.params.id, 'print', request.ip);
    const page = await getRegisterPage(app.db, actor, request.params.id, 'zh-CN');
    return reply.page('votes/register-print.njk', {
      ...page,
      zh: translator('zh-CN'),
      exportedAt: app.now(),
    });
  });
}

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, requireRole } from '../../lib/guards.ts';
import { PERIODS, dashboard, parsePeriod } from './service.ts';

export default async function dashboardRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/dashboard',
    {
      preHandler: requireRole('community', 'admin'),
      schema: { querystring: Type.Object({ days: Type.Optional(Type.String({ maxLength: 4 })) }) },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const data = await dashboard(app.db, app.sql, actor, parsePeriod(request.query.days), app.now());
      return reply.page(request.isHtmx ? 'dashboard/_body.njk' : 'dashboard/index.njk', { ...data, periods: PERIODS });
    },
  );
}

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, requireRole } from '../../lib/guards.ts';
import { csvDownloadHeaders, csvStream } from '../../lib/csv.ts';
import { DEFAULT_PERIOD, PERIOD_KEYS } from '../../domain/dashboard-periods.ts';
import { dashboard } from './service.ts';
import { dashboardPlacesCache } from './places-cache.ts';
import { dashboardFigures } from './figures.ts';
import { dashboardCharts } from './charts.ts';
import { metricsExportBatches, metricsExportHeader } from './export.ts';

/** An unknown period is a 400 page (the picker only offers these), not a silent fallback. */
const DashboardQuery = Type.Object({
  period: Type.Optional(Type.Union(PERIOD_KEYS.map((key) => Type.Literal(key)))),
});

const STAFF = ['community', 'property', 'committee', 'admin'] as const;

export default async function dashboardRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const placesFor = dashboardPlacesCache(app.db);

  app.get(
    '/dashboard',
    { preHandler: requireRole(...STAFF), schema: { querystring: DashboardQuery } },
    async (request, reply) => {
      const key = request.query.period ?? DEFAULT_PERIOD;
      const data = await app.reports.read((sql) => dashboard(sql, placesFor, actorOf(request), key, app.now()));
      return reply.page(request.isHtmx ? 'dashboard/_body.njk' : 'dashboard/index.njk', {
        ...data,
        ...dashboardFigures(data, request.t, request.locale),
        chartData: dashboardCharts(data, request.locale),
        periods: PERIOD_KEYS,
        csvHref: `/dashboard.csv?period=${key}`,
      });
    },
  );

  // The metrics table of the same period and scope, for the monthly report.
  app.get(
    '/dashboard.csv',
    { preHandler: requireRole(...STAFF), schema: { querystring: DashboardQuery } },
    async (request, reply) => {
      const key = request.query.period ?? DEFAULT_PERIOD;
      const data = await app.reports.read((sql) => dashboard(sql, placesFor, actorOf(request), key, app.now()));
      const { from, to } = data.period.current;
      reply.headers(csvDownloadHeaders(`dashboard-${from}-${to}.csv`));
      return reply.send(csvStream(metricsExportHeader(request.t), metricsExportBatches(data, request.t, request.locale)));
    },
  );
}

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { BadRequest } from '../../errors.ts';
import { actorOf, requireRole } from '../../lib/guards.ts';
import { csvDownloadHeaders, csvStream } from '../../lib/csv.ts';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from './actions.ts';
import { auditBatches, auditPage, type AuditCursor, type AuditPage } from './queries.ts';
import { csvCells, csvHeader, presentEntry, shanghaiDateStamp } from './present.ts';
import { AuditFilterQuery, AuditPageQuery, filterQueryString, readCursor, readFilters, writeCursor } from './schemas.ts';

/**
 * The audit log, read-only: a search page and a CSV export of the same search. There is deliberately no
 * route that changes or removes an entry (tests/integration/audit-append-only.test.ts checks every route).
 */

/** Administrators everywhere, community staff within their community; to anyone else the log does not exist. */
const auditors = requireRole('admin', 'community');

export default async function auditRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/audit', { preHandler: auditors, schema: { querystring: AuditPageQuery } }, async (request, reply) => {
    const actor = actorOf(request);
    const { values, filters, errors } = readFilters(request.query);
    const before = readCursor(request.query.before);
    const after = readCursor(request.query.after);
    if ((request.query.before !== undefined && before === null) || (request.query.after !== undefined && after === null)) {
      throw new BadRequest();
    }
    let page: AuditPage = { entries: [], older: null, newer: null };
    if (errors.length > 0) reply.code(400);
    else page = await auditPage(app.db, actor, filters, { before: before ?? undefined, after: after ?? undefined });

    const search = filterQueryString(values);
    const href = (key: 'before' | 'after', cursor: AuditCursor) => {
      const params = new URLSearchParams(search);
      params.set(key, writeCursor(cursor));
      return `/audit?${params.toString()}`;
    };
    return reply.page(request.isHtmx ? 'audit/_list.njk' : 'audit/index.njk', {
      values,
      errors,
      rows: page.entries.map((entry) => presentEntry(entry, request.t)),
      olderHref: page.older ? href('before', page.older) : '',
      newerHref: page.newer ? href('after', page.newer) : '',
      newestHref: page.newer ? `/audit${search ? `?${search}` : ''}` : '',
      exportHref: `/audit.csv${search ? `?${search}` : ''}`,
      actions: AUDIT_ACTIONS,
      entityTypes: AUDIT_ENTITY_TYPES,
    });
  });

  app.get('/audit.csv', { preHandler: auditors, schema: { querystring: AuditFilterQuery } }, async (request, reply) => {
    const actor = actorOf(request);
    const { filters, errors } = readFilters(request.query);
    if (errors.length > 0) throw new BadRequest('audit.export.badSearch');
    const t = request.t;
    async function* rows() {
      for await (const batch of auditBatches(app.db, actor, filters))
        yield batch.map((entry) => csvCells(presentEntry(entry, t)));
    }
    reply.headers(csvDownloadHeaders(`audit-${shanghaiDateStamp(app.now())}.csv`));
    return reply.send(csvStream(csvHeader(t), rows()));
  });
}

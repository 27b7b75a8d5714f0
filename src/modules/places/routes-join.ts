import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { inTransaction } from '../../plugins/db.ts';
import { translator } from '../../i18n/index.ts';
import { rotateJoinCode } from './admin-commands.ts';
import { estateForJoinCode } from './admin-queries.ts';
import { joinUrl, qrSvg } from './join-code.ts';
import { EmptyForm, IdParams } from './schemas.ts';
import { validateFields, readForm } from '../../lib/form.ts';
import { BadRequest } from '../../errors.ts';
import { actorOf, changedBy, estateStaff } from './route-kit.ts';

/**
 * An estate's join code and its lobby poster. The poster's QR code carries the absolute join URL
 * (`/join/<code>`, answered by the registrations module); rotating the code voids every printed poster.
 * The estate's community staff, administrators, and its own property company and committee manage it.
 */
export default async function joinRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  /** Where residents reach this server: the request's own scheme and host (trustProxy decides whether
   * X-Forwarded-* count), as the person printing the poster reaches it. */
  function origin(request: FastifyRequest): string {
    return `${request.protocol}://${request.host}`;
  }

  app.get(
    '/estates/:id/join-poster',
    {
      preHandler: estateStaff,
      schema: { params: IdParams, querystring: Type.Object({ rotated: Type.Optional(Type.String({ maxLength: 2 })) }) },
    },
    async (request, reply) => {
      const estate = await estateForJoinCode(app.db, actorOf(request), request.params.id);
      const zh = translator('zh-CN');
      const url = estate.joinCode ? joinUrl(origin(request), estate.joinCode) : null;
      const svg = url ? await qrSvg(url, zh('places.poster.qrLabel', { estate: estate.name })) : null;
      return reply.page('places/join-poster.njk', { estate, url, svg, zh, rotated: request.query.rotated === '1' });
    },
  );

  app.post('/estates/:id/join-code', { preHandler: estateStaff, schema: { params: IdParams } }, async (request, reply) => {
    const estate = await estateForJoinCode(app.db, actorOf(request), request.params.id);
    if (!validateFields(EmptyForm, readForm(request.body).fields).ok) throw new BadRequest();
    await inTransaction(app.db, (tx) => rotateJoinCode(tx, changedBy(app, request), estate.id));
    return reply.redirect(`/estates/${estate.id}/join-poster?rotated=1`, 303);
  });
}

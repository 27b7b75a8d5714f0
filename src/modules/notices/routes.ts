import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Actor } from '../../actor.ts';
import { actorOf, requireActor } from '../../lib/guards.ts';
import { getNotice, listNotices, NOTICE_KINDS } from './service.ts';

interface NoticesOptions {
  /** Whether the actor may open this meeting: the meetings module's rule, handed in by the app (meetings
   * publish notices, so the notices module does not import meetings back). */
  canSeeMeeting: (actor: Actor, meetingId: number) => Promise<boolean>;
}

export default async function noticeRoutes(fastify: FastifyInstance, { canSeeMeeting }: NoticesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/notices',
    {
      preHandler: requireActor,
      schema: {
        querystring: Type.Object({
          estate: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
          kind: Type.Optional(Type.String({ maxLength: 30 })),
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
        }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const kind = request.query.kind ?? '';
      const result = await listNotices(app.db, actor, { estateId: request.query.estate, kind, page: request.query.page ?? 1 });
      const data = { ...result, kind, kinds: NOTICE_KINDS, estateId: request.query.estate ?? '' };
      return reply.page(request.isHtmx ? 'notices/_list.njk' : 'notices/index.njk', data);
    },
  );

  app.get(
    '/notices/:id',
    { preHandler: requireActor, schema: { params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) }) } },
    async (request, reply) => {
      const actor = actorOf(request);
      const notice = await getNotice(app.db, actor, request.params.id);
      // Every owner reads a meeting's decisions here, but only its participants and staff open the
      // meeting itself: link to it only for them, rather than to a 404.
      const meetingLink = notice.meetingId !== null && (await canSeeMeeting(actor, notice.meetingId));
      return reply.page('notices/show.njk', { notice, canSeeMeeting: meetingLink });
    },
  );
}

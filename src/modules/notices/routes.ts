import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Actor } from '../../actor.ts';
import { actorOf, requireActor } from '../../lib/guards.ts';
import { BadRequest } from '../../errors.ts';
import { filterEstates, getNotice, isNoticeKind, NOTICE_KINDS } from './service.ts';
import { boardEstates, noticeBoard, readNoticeCursor, writeNoticeCursor, type NoticeCursor } from './board-reads.ts';

const cursor = Type.Optional(Type.String({ pattern: '^[0-9]{1,15}\\.[0-9]{1,10}$' }));

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
          before: cursor,
          after: cursor,
        }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { estate, before, after } = request.query;
      const kind = request.query.kind ?? '';
      const position = { before: readNoticeCursor(before), after: readNoticeCursor(after) };
      if ((before !== undefined && !position.before) || (after !== undefined && !position.after)) throw new BadRequest();
      const [page, estates] = await Promise.all([
        noticeBoard(app.sql, {
          estateIds: boardEstates(actor, estate),
          kind: isNoticeKind(kind) ? kind : null,
          ...(position.after ? { after: position.after } : position.before ? { before: position.before } : {}),
        }),
        filterEstates(app.db, actor),
      ]);
      const href = (key: 'before' | 'after', at: NoticeCursor) => {
        const params = new URLSearchParams();
        if (kind) params.set('kind', kind);
        if (estate) params.set('estate', String(estate));
        params.set(key, writeNoticeCursor(at));
        return `/notices?${params.toString()}`;
      };
      const data = {
        items: page.items,
        estates,
        kind,
        kinds: NOTICE_KINDS,
        estateId: estate ?? '',
        olderHref: page.older ? href('before', page.older) : '',
        newerHref: page.newer ? href('after', page.newer) : '',
      };
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

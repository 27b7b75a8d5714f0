import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, requireActor } from '../auth/guards.ts';
import { NotFound } from '../../errors.ts';
import { safeLocalPath } from '../../lib/safe-redirect.ts';
import { fieldText } from '../../plugins/uploads.ts';
import { inAppChannel, listNotifications, logChannel, markAllRead, markRead, type DeliveryChannel } from './service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where committed notifications go (the delivery job): the in-app inbox always, plus any outside channel (email, SMS). */
    deliveryChannels: DeliveryChannel[];
  }
}

const Id = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

/**
 * The inbox: GET /notifications, mark one or all read. Registered with fastify-plugin so the channel
 * list it decorates the app with is visible to every module.
 */
export default fp(
  async (fastify: FastifyInstance) => {
    fastify.decorate('deliveryChannels', [inAppChannel, logChannel(fastify.log)]);
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/notifications',
      {
        preHandler: requireActor,
        schema: {
          querystring: Type.Object({
            page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
            unread: Type.Optional(Type.String({ maxLength: 5 })),
          }),
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const unreadOnly = request.query.unread === '1';
        const result = await listNotifications(app.db, actor.userId, { page: request.query.page ?? 1, unreadOnly });
        const t = request.t;
        const items = result.items.map((n) => {
          const params: Record<string, unknown> = { ...n.params };
          // State codes are rendered in the reader's language.
          if (typeof params.state === 'string') params.state = t(`state.${params.state}`);
          if (typeof params.party === 'string') params.party = t(`party.${params.party}`);
          if (typeof params.deadline === 'string') params.deadline = t(`notifications.deadline.${params.deadline}`);
          return { ...n, text: t(`notifications.kind.${n.kind}`, params) };
        });
        const data = { ...result, items, unreadOnly, base: `/notifications?unread=${unreadOnly ? '1' : ''}` };
        return reply.page(request.isHtmx ? 'notifications/_list.njk' : 'notifications/index.njk', data);
      },
    );

    app.post('/notifications/:id/read', { preHandler: requireActor, schema: { params: Id } }, async (request, reply) => {
      const actor = actorOf(request);
      const href = await markRead(app.db, actor.userId, request.params.id, app.now());
      if (href === null) throw new NotFound();
      // "Open" marks read and follows the link; "mark read" returns to the inbox.
      const next = fieldText(request.body, 'open') === '1' ? href : safeLocalPath(fieldText(request.body, 'back'), '/notifications');
      return reply.redirect(next, 303);
    });

    app.post('/notifications/read-all', { preHandler: requireActor }, async (request, reply) => {
      const actor = actorOf(request);
      await markAllRead(app.db, actor.userId, app.now());
      return reply.redirect(safeLocalPath(fieldText(request.body, 'back'), '/notifications'), 303);
    });
  },
  { name: 'notifications', dependencies: ['views', 'db'] },
);

import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { actorOf, requireActor } from '../../lib/guards.ts';
import { NotFound } from '../../errors.ts';
import { formHandler, refuseForm } from '../../lib/form.ts';
import { safeLocalPath } from '../../lib/safe-redirect.ts';
import { inTransaction } from '../../plugins/db.ts';
import { InboxQuery, MarkAllReadForm, MarkReadForm, NotificationParams } from './schemas.ts';
import { inAppChannel, listNotifications, logChannel, markAllRead, markRead, type DeliveryChannel } from './service.ts';
import { digestOf } from './digest.ts';
import preferencesRoutes from './routes-preferences.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where committed notifications go (the delivery job): the in-app inbox always, plus any outside channel (email, SMS). */
    deliveryChannels: DeliveryChannel[];
  }
}

/**
 * The inbox: GET /notifications, mark one or all read. Registered with fastify-plugin so the channel
 * list it decorates the app with is visible to every module.
 */
export default fp(
  async (fastify: FastifyInstance) => {
    fastify.decorate('deliveryChannels', [inAppChannel, logChannel(fastify.log)]);
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get('/notifications', { preHandler: requireActor, schema: { querystring: InboxQuery } }, async (request, reply) => {
      const actor = actorOf(request);
      const unreadOnly = request.query.unread === '1';
      const digest = request.query.digest === undefined ? null : await digestOf(app.db, actor.userId, request.query.digest);
      if (request.query.digest !== undefined && digest === null) throw new NotFound();
      const result = await listNotifications(app.db, actor.userId, {
        page: request.query.page ?? 1,
        unreadOnly,
        ...(digest ? { digest } : {}),
      });
      const t = request.t;
      const items = result.items.map((n) => {
        const params: Record<string, unknown> = { ...n.params };
        // State codes are rendered in the reader's language.
        if (typeof params.state === 'string') params.state = t(`state.${params.state}`);
        if (typeof params.party === 'string') params.party = t(`party.${params.party}`);
        if (typeof params.deadline === 'string') params.deadline = t(`notifications.deadline.${params.deadline}`);
        if (typeof params.channel === 'string') params.channel = t(`votes.channel.${params.channel}`);
        if (typeof params.choice === 'string') params.choice = t(`votes.choice.${params.choice}`);
        if (typeof params.fromChoice === 'string') params.fromChoice = t(`votes.choice.${params.fromChoice}`);
        return { ...n, text: t(`notifications.kind.${n.kind}`, params) };
      });
      const base = digest ? `/notifications?digest=${digest.id}` : `/notifications?unread=${unreadOnly ? '1' : ''}`;
      const data = { ...result, items, unreadOnly, digest, base };
      return reply.page(request.isHtmx ? 'notifications/_list.njk' : 'notifications/index.njk', data);
    });

    app.post(
      '/notifications/:id/read',
      { preHandler: requireActor, schema: { params: NotificationParams } },
      formHandler({
        schema: MarkReadForm,
        async act({ request, value }) {
          const { id } = request.params as Static<typeof NotificationParams>; // checked by the route schema
          const href = await inTransaction(app.db, (tx) => markRead(tx, actorOf(request).userId, id, app.now()));
          if (href === null) throw new NotFound();
          return value.open === '1' ? href : safeLocalPath(value.back, '/notifications');
        },
        render: refuseForm,
      }),
    );

    app.post(
      '/notifications/read-all',
      { preHandler: requireActor },
      formHandler({
        schema: MarkAllReadForm,
        async act({ request, value }) {
          await inTransaction(app.db, (tx) => markAllRead(tx, actorOf(request).userId, app.now()));
          return safeLocalPath(value.back, '/notifications');
        },
        render: refuseForm,
      }),
    );

    await fastify.register(preferencesRoutes);
  },
  { name: 'notifications', dependencies: ['views', 'db'] },
);

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FieldError } from '../../errors.ts';
import { ValidationFailed } from '../../errors.ts';
import { actorOf, requireActor } from '../../lib/guards.ts';
import { formHandler } from '../../lib/form.ts';
import { inTransaction } from '../../plugins/db.ts';
import { DELIVERY_MODES, isDeliveryMode, type DeliveryMode, type NotificationTopic } from '../../domain/notification-rules.ts';
import { preferencesOf, savePreferences, settableTopics, type TopicPreference } from './preferences.ts';
import { PreferencesForm, PreferencesQuery, preferenceField } from './schemas.ts';

/**
 * GET/POST /notifications/preferences: each reader chooses, per topic their role hears, instant, a daily
 * digest or nothing. Only their own rows; the mandatory topic is shown but not offered.
 */
export default async function preferencesRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  const page = (
    reply: FastifyReply,
    topics: TopicPreference[],
    errors: FieldError[],
    extra: { saved?: boolean; typed?: Record<string, unknown> } = {},
  ) =>
    reply.page('notifications/preferences.njk', {
      errors,
      saved: extra.saved ?? false,
      modes: DELIVERY_MODES,
      topics: topics.map((p) => {
        const typed = extra.typed?.[preferenceField(p.topic)];
        return { ...p, field: preferenceField(p.topic), mode: isDeliveryMode(typed) ? typed : p.mode };
      }),
    });

  const current = (request: FastifyRequest) => {
    const actor = actorOf(request);
    return preferencesOf(app.db, actor.userId, actor.role);
  };

  app.get(
    '/notifications/preferences',
    { preHandler: requireActor, schema: { querystring: PreferencesQuery } },
    async (request, reply) => page(reply, await current(request), [], { saved: request.query.saved === '1' }),
  );

  app.post(
    '/notifications/preferences',
    { preHandler: requireActor },
    formHandler({
      schema: PreferencesForm,
      async act({ request, value }) {
        const actor = actorOf(request);
        const choices: { topic: NotificationTopic; mode: DeliveryMode }[] = [];
        const missing: FieldError[] = [];
        // Only the topics this reader's role is offered are read; any other field is ignored.
        for (const topic of settableTopics(actor.role)) {
          const mode = value[preferenceField(topic)];
          if (isDeliveryMode(mode)) choices.push({ topic, mode });
          else missing.push({ field: preferenceField(topic), code: 'required' });
        }
        if (missing.length > 0) throw new ValidationFailed(missing);
        await inTransaction(app.db, (tx) => savePreferences(tx, actor.userId, choices, app.now()));
        return '/notifications/preferences?saved=1';
      },
      async render({ request, reply, raw }, errors) {
        return page(reply, await current(request), errors, { typed: raw });
      },
    }),
  );
}

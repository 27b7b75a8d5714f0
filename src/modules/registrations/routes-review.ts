import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ValidationFailed, type FieldError } from '../../errors.ts';
import { readForm, validateFields } from '../../lib/form.ts';
import { inTransaction } from '../../plugins/db.ts';
import { actorOf, requireRole } from '../../lib/guards.ts';
import { DecisionForm, QueueQuery, RegistrationParams, ShowQuery } from './schemas.ts';
import { decideRegistration, type Decision } from './commands.ts';
import { registrationForReview, reviewQueue } from './queries.ts';

const DONE = new Set(['owner', 'tenant', 'decline']);

/**
 * The approvers' side: the queue of people who joined, one registration with its roster evidence, and
 * the decision (owner of record, tenant, or decline with a reason). Property and committee of the estate
 * decide; community staff of the community may look; anyone else gets a 404.
 */
export default async function reviewRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/registrations',
    { preHandler: requireRole('property', 'committee', 'community'), schema: { querystring: QueueQuery } },
    async (request, reply) => {
      const queue = await reviewQueue(app.db, actorOf(request), request.query.page ?? 1);
      return reply.page('registrations/queue.njk', { ...queue, base: '/registrations?' });
    },
  );

  async function renderShow(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    errors: FieldError[],
    values: Record<string, string>,
    done = '',
  ) {
    const view = await registrationForReview(app.db, actorOf(request), id);
    const rosterMatchId = view.registration.rosterMatchOwnerId;
    return reply.page('registrations/show.njk', {
      ...view,
      errors,
      values: { regOwner: rosterMatchId ? String(rosterMatchId) : '', ...values },
      done,
    });
  }

  app.get(
    '/registrations/:id',
    {
      preHandler: requireRole('property', 'committee', 'community'),
      schema: { params: RegistrationParams, querystring: ShowQuery },
    },
    async (request, reply) => {
      const done = request.query.done && DONE.has(request.query.done) ? request.query.done : '';
      return renderShow(request, reply, request.params.id, [], {}, done);
    },
  );

  app.post(
    '/registrations/:id/decision',
    { preHandler: requireRole('property', 'committee'), schema: { params: RegistrationParams } },
    async (request, reply) => {
      const actor = actorOf(request);
      const { id } = request.params;
      await registrationForReview(app.db, actor, id); // out of scope: 404 before the form is looked at
      const { fields } = readForm(request.body);
      const form = validateFields(DecisionForm, fields);
      const typed = {
        regOwner: typeof fields.regOwner === 'string' ? fields.regOwner : '',
        regReason: typeof fields.regReason === 'string' ? fields.regReason : '',
      };
      if (!form.ok) {
        reply.code(400);
        return renderShow(request, reply, id, form.errors, typed);
      }
      const { decision: kind, regOwner, regReason } = form.value;
      const decision: Decision =
        kind === 'owner'
          ? { kind, ownerId: regOwner === '' ? null : Number(regOwner) }
          : kind === 'tenant'
            ? { kind }
            : { kind, reason: regReason };
      try {
        await inTransaction(app.db, (tx) => decideRegistration(tx, actor, id, decision, { ip: request.ip, now: app.now() }));
      } catch (error) {
        if (!(error instanceof ValidationFailed)) throw error;
        reply.code(400);
        return renderShow(request, reply, id, error.errors, typed);
      }
      return reply.redirect(`/registrations/${id}?done=${kind}`, 303);
    },
  );
}

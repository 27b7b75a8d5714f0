import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { inTransaction } from '../../plugins/db.ts';
import { readForm, validateFields } from '../../lib/form.ts';
import { BadRequest, Forbidden } from '../../errors.ts';
import { actorOf, requireRole } from '../../lib/guards.ts';
import { IssueParams } from './schemas.ts';
import { assertIssueVisible } from './page-reads.ts';
import { chaseIssue } from './chase.ts';

/** The chase button's form: the chase count the page showed, so a form sent twice chases once. */
const ChaseForm = Type.Object({ chaseCount: Type.String({ pattern: '^[0-9]{1,9}$' }) });

type RenderIssue = (
  request: FastifyRequest,
  reply: FastifyReply,
  id: number,
  state: { message?: { key: string; params?: Record<string, string | number> } },
) => Promise<unknown>;

/**
 * POST /issues/:id/chase (催办). Out of the resident's sight is a 404 like every issue route; someone
 * else's issue a 403; too early, or chased already today, the issue page again with the reason (400).
 * Registered by routes.ts, which hands over its issue-page renderer.
 */
export function registerChaseRoute(fastify: FastifyInstance, renderIssue: RenderIssue): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/issues/:id/chase',
    { preHandler: requireRole('resident'), schema: { params: IssueParams } },
    async (request, reply) => {
      const actor = actorOf(request);
      const id = request.params.id;
      await assertIssueVisible(app.sql, actor, id);
      const form = validateFields(ChaseForm, readForm(request.body).fields);
      if (!form.ok) throw new BadRequest();
      const result = await inTransaction(app.db, (tx) => chaseIssue(tx, actor, id, Number(form.value.chaseCount), app.now()));
      if (result.ok) return reply.redirect(`/issues/${id}?done=chase#chase`, 303);
      if (result.reason === 'not_reporter') throw new Forbidden('reminders.chase.notReporter');
      reply.code(400);
      return renderIssue(request, reply, id, {
        message: { key: `reminders.chase.refused.${result.reason}`, params: { state: result.state } },
      });
    },
  );
}

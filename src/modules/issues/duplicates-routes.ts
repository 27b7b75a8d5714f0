import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Actor } from '../../actor.ts';
import { inTransaction, type DbTx } from '../../plugins/db.ts';
import type { FieldError } from '../../errors.ts';
import { formHandler } from '../../lib/form.ts';
import { actorOf, requireActor, requireRole } from '../../lib/guards.ts';
import { IssueParams } from './schemas.ts';
import { assertIssueVisible } from './page-reads.ts';
import { markDuplicate, similarIssues, type SimilarIssue } from './duplicates.ts';

/**
 * Duplicates over HTTP: the filing form's offer of similar open issues (the htmx partial, and what the
 * form itself shows), and staff marking an issue as a duplicate from its page.
 */

export const SimilarQueryString = Type.Object({
  categoryId: Type.Optional(Type.String({ maxLength: 20 })),
  locationType: Type.Optional(Type.String({ maxLength: 20 })),
});

const text = (v: unknown) => (typeof v === 'string' ? v : '');

export interface SimilarOffer {
  similar: SimilarIssue[];
  /** The form was held once (no JavaScript) to show them: a 200, not an error. */
  similarHeld: boolean;
  /** The form's errors without the hold, which is not a field error. */
  errors: FieldError[];
}

/** What the filing form shows about similar issues for the values it is rendered with. */
export async function similarOffer(
  db: DbTx,
  actor: Actor,
  values: Record<string, string | string[]>,
  errors: FieldError[],
  now: Date,
): Promise<SimilarOffer> {
  const similarHeld = errors.some((e) => e.field === 'similar');
  const similar = await similarIssues(
    db,
    actor,
    { categoryId: text(values.categoryId), locationType: text(values.locationType) },
    now,
  );
  return { similar, similarHeld, errors: errors.filter((e) => e.field !== 'similar') };
}

/** The issue page's "mark as duplicate" form; `version` is the issue's version the page showed. */
const MarkDuplicateForm = Type.Object({
  version: Type.String({ pattern: '^[0-9]{1,9}$' }),
  originalId: Type.String({ default: '', maxLength: 40 }),
  note: Type.String({ default: '', maxLength: 5000 }),
});

type RenderIssue = (
  request: FastifyRequest,
  reply: FastifyReply,
  id: number,
  state: {
    errors?: FieldError[];
    formAction?: string;
    values?: Record<string, string | string[]>;
    message?: { key: string; params?: Record<string, string | number> };
  },
) => Promise<unknown>;

/** Registered by routes.ts, which hands over its issue-page renderer for the form's errors. */
export function registerDuplicateRoutes(fastify: FastifyInstance, renderIssue: RenderIssue): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const idOf = (request: FastifyRequest) => (request.params as { id: number }).id;

  // Staff close an issue into the original it repeats. Another estate's issue is a 404; a wrong, closed
  // or looping original number an inline error on the issue page (400); a stale page a 409 with its state.
  app.post(
    '/issues/:id/duplicate',
    { preHandler: requireActor, schema: { params: IssueParams } },
    formHandler({
      schema: MarkDuplicateForm,
      load: (request) => assertIssueVisible(app.sql, actorOf(request), idOf(request)),
      act: async ({ request, value }) => {
        const id = idOf(request);
        await inTransaction(app.db, (tx) => markDuplicate(tx, actorOf(request), id, value, { now: app.now(), ip: request.ip }));
        return `/issues/${id}?done=mark_duplicate`;
      },
      render: ({ request, reply, raw }, errors) =>
        renderIssue(request, reply, idOf(request), { errors, formAction: 'mark_duplicate', values: raw }),
      conflict: ({ request, reply }, error) =>
        renderIssue(request, reply, idOf(request), { message: { key: error.messageKey, params: error.params } }),
    }),
  );

  // Asked by the filing form as its category and place change (htmx). Seen here means seen: the partial
  // marks the form so that filing anyway does not stop a second time.
  app.get(
    '/issues/new/similar',
    { preHandler: requireRole('resident'), schema: { querystring: SimilarQueryString } },
    async (request, reply) => {
      const query = { categoryId: request.query.categoryId ?? '', locationType: request.query.locationType ?? '' };
      const similar = await similarIssues(app.db, actorOf(request), query, app.now());
      return reply.page('issues/_similar.njk', { similar, similarHeld: false, oob: true });
    },
  );
}

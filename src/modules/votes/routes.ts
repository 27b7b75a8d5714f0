import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf, requireActor, requireRole } from '../../lib/guards.ts';
import { acceptUploads, withStoredFiles } from '../attachments/index.ts';
import { inTransaction } from '../../plugins/db.ts';
import type { FieldError } from '../../errors.ts';
import { errorsAs, formHandler, type FormContext } from '../../lib/form.ts';
import { MATTERS, VOTE_CHOICES } from '../../domain/vote-tally.ts';
import { cancelPage, closePage, draftDefaults, listProposals } from './queries.ts';
import { liveProposalPage } from './live-reads.ts';
import { liveTally } from './live-tally.ts';
import { createProposal, type ProposalInput } from './drafting.ts';
import { openProposal } from './opening.ts';
import { RECORDED_CHANNELS } from './ballots.ts';
import ballotRoutes from './routes-ballots.ts';
import voteRegisterRoutes from './routes-register.ts';
import voteEmergencyRoutes from './routes-emergency.ts';
import votePrintRoutes from './routes-print.ts';
import { CANCEL_REASON_MAX, EarlyCloseRefused, cancelProposal, closeProposal } from './closing.ts';
import { ButtonForm, CancelForm, IdParams, NewProposalQuery, PROPOSAL_FIELDS, PageQuery, ProposalForm } from './schemas.ts';

const FLASHES = ['opened', 'cast', 'changed', 'recorded', 'closed', 'cancelled', 'emergency'];

type RawFields = Record<string, string | string[] | undefined>;
const text = (raw: RawFields, name: string): string => {
  const v = raw[name];
  return typeof v === 'string' ? v : (v?.[0] ?? '');
};
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The draft form as typed, from its validated value or, to show it again, from what was sent. */
function proposalInput(raw: RawFields): ProposalInput {
  const [estateId, issueId, matter, title, description, scope, amount, opensAt, closesAt, quotesText] = (
    ['estateId', 'issueId', 'matter', 'title', 'description', 'scope', 'amount', 'opensAt', 'closesAt', 'quotesText'] as const
  ).map((name) => text(raw, name)) as [string, string, string, string, string, string, string, string, string, string];
  const buildingIds = list(raw.buildingIds);
  return { estateId, issueId, matter, title, description, scope, buildingIds, amount, opensAt, closesAt, quotesText };
}

const idOf = (request: FastifyRequest): number => (request.params as { id: number }).id;

export default async function voteRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const drafters = requireRole('committee', 'property');
  const committee = requireRole('committee');
  const idSchema = { params: IdParams };
  // the owner's ballot and the committee's record form (routes-ballots.ts)
  await fastify.register(ballotRoutes);
  await fastify.register(voteRegisterRoutes);
  await fastify.register(voteEmergencyRoutes);
  await fastify.register(votePrintRoutes);

  app.get('/votes', { preHandler: requireActor }, async (request, reply) => {
    const { proposals, needsMine } = await listProposals(app.db, actorOf(request));
    return reply.page('votes/index.njk', { proposals, needsMine, now: app.now() });
  });

  async function renderForm(
    request: FastifyRequest,
    reply: FastifyReply,
    issueId: number | null,
    values: ProposalInput | null,
    errors: FieldError[],
  ) {
    const defaults = await draftDefaults(app.db, actorOf(request), issueId, app.now(), request.locale);
    return reply.page('votes/new.njk', {
      ...defaults,
      values: values ?? defaults.values,
      errors,
      matters: MATTERS,
      maxFiles: app.config.uploadMaxFiles,
      maxMb: Math.round(app.config.uploadMaxBytes / 1048576),
    });
  }

  app.get('/votes/new', { preHandler: drafters, schema: { querystring: NewProposalQuery } }, async (request, reply) => {
    return renderForm(request, reply, request.query.issue ?? null, null, []);
  });

  app.post(
    '/votes',
    { preHandler: drafters },
    formHandler({
      schema: ProposalForm,
      act: async ({ request, value, files }) => {
        const actor = actorOf(request);
        const quotes = acceptUploads(files.quotes, 'fundQuotes', {
          maxFiles: app.config.uploadMaxFiles,
          maxBytes: app.config.uploadMaxBytes,
          documents: true,
        });
        const draft = await withStoredFiles(app.config.uploadDir, quotes, (stored) =>
          inTransaction(app.db, (tx) => createProposal(tx, actor, proposalInput(value), stored, app.now())),
        );
        return `/votes/${draft.id}`;
      },
      render: ({ request, reply, raw }, errors) => {
        const values = proposalInput(raw);
        const issueId = /^[1-9]\d{0,8}$/.test(values.issueId) ? Number(values.issueId) : null;
        return renderForm(request, reply, issueId, values, errorsAs(errors, PROPOSAL_FIELDS));
      },
    }),
  );

  async function renderPage(request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) {
    const actor = actorOf(request);
    // the open vote's page polls its figures every 30 s: that read is the proposal and its counts only
    if (request.isHtmx) return reply.page('votes/_tally.njk', await liveTally(app.sql, actor, idOf(request)));
    const data = await liveProposalPage(app.sql, actor, idOf(request), app.now());
    const query = request.query as Record<string, string | undefined>;
    return reply.page('votes/show.njk', {
      ...data,
      choices: VOTE_CHOICES,
      recordedChannels: RECORDED_CHANNELS,
      flash: FLASHES.includes(query.done ?? '') ? query.done : '',
      errors: [],
      recordValues: { recorderName: actor.displayName, channel: 'door_to_door', voterKey: query.voter ?? '' },
      ...extra,
    });
  }

  /** A form on the proposal page refused: the page again, with the errors (and what was typed). */
  const pageWithErrors =
    (fieldNames: Record<string, string>, keepValues = false) =>
    ({ request, reply, raw }: FormContext<unknown> & { raw: RawFields }, errors: FieldError[]) =>
      renderPage(request, reply, {
        errors: errorsAs(errors, fieldNames),
        ...(keepValues
          ? {
              recordValues: {
                voterKey: text(raw, 'voterKey'),
                channel: text(raw, 'channel'),
                recorderName: text(raw, 'recorderName'),
                choice: text(raw, 'choice'),
              },
            }
          : {}),
      });

  app.get(
    '/votes/:id',
    { preHandler: requireActor, schema: { params: IdParams, querystring: PageQuery } },
    async (request, reply) => {
      return renderPage(request, reply);
    },
  );

  app.get('/votes/:id/canvass', { preHandler: requireActor, schema: idSchema }, async (request, reply) => {
    const data = await liveProposalPage(app.sql, actorOf(request), request.params.id, app.now(), 'all');
    return reply.page('votes/canvass.njk', data);
  });

  /** A button on the proposal page: one command in one transaction, then the page with its flash. */
  const button = (command: (request: FastifyRequest, id: number) => Promise<unknown>, done: string) =>
    formHandler({
      schema: ButtonForm,
      act: async ({ request }) => {
        await command(request, idOf(request));
        return `/votes/${idOf(request)}?done=${done}`;
      },
      render: pageWithErrors({}),
    });

  app.post(
    '/votes/:id/open',
    { preHandler: committee, schema: idSchema },
    button(
      (request, id) => inTransaction(app.db, (tx) => openProposal(tx, actorOf(request), id, app.now(), { ip: request.ip })),
      'opened',
    ),
  );

  // Closing and cancelling ask first: a confirmation page (no JavaScript needed) whose form posts.
  const renderClose = async (request: FastifyRequest, reply: FastifyReply) =>
    reply.page('votes/close.njk', await closePage(app.db, actorOf(request), idOf(request), app.now()));

  app.get('/votes/:id/close', { preHandler: committee, schema: idSchema }, renderClose);

  app.post(
    '/votes/:id/close',
    { preHandler: committee, schema: idSchema },
    formHandler({
      schema: ButtonForm,
      act: async ({ request }) => {
        const by = { actor: actorOf(request), ctx: { ip: request.ip } };
        await inTransaction(app.db, (tx) => closeProposal(tx, by, idOf(request), app.now()));
        return `/votes/${idOf(request)}?done=closed`;
      },
      render: pageWithErrors({}),
      // Refused early close: the confirmation page again (409), saying what could still change the outcome.
      conflict: async ({ request, reply }, error) => {
        if (!(error instanceof EarlyCloseRefused)) throw error;
        return renderClose(request, reply);
      },
    }),
  );

  const renderCancel = async (request: FastifyRequest, reply: FastifyReply, errors: FieldError[] = [], reason = '') =>
    reply.page('votes/cancel.njk', {
      ...(await cancelPage(app.db, actorOf(request), idOf(request))),
      errors,
      reason,
      reasonMax: CANCEL_REASON_MAX,
    });

  app.get('/votes/:id/cancel', { preHandler: committee, schema: idSchema }, (request, reply) => renderCancel(request, reply));

  app.post(
    '/votes/:id/cancel',
    { preHandler: committee, schema: idSchema },
    formHandler({
      schema: CancelForm,
      act: async ({ request, value }) => {
        const id = idOf(request);
        await inTransaction(app.db, (tx) =>
          cancelProposal(tx, actorOf(request), id, value.reason, app.now(), { ip: request.ip }),
        );
        return `/votes/${id}?done=cancelled`;
      },
      render: ({ request, reply, raw }, errors) =>
        renderCancel(request, reply, errorsAs(errors, { reason: 'cancelReason' }), text(raw, 'reason')),
    }),
  );
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf, requireActor, requireRole } from '../auth/guards.ts';
import { checkUploads } from '../attachments/service.ts';
import { fieldFiles, fieldText } from '../../plugins/uploads.ts';
import { ValidationFailed, type FieldError } from '../../errors.ts';
import { MATTERS, VOTE_CHOICES } from '../../domain/vote-tally.ts';
import { BallotBody, IdParams, NewProposalQuery, NoteBody, PageQuery, RecordBody } from './schemas.ts';
import {
  RECORDED_CHANNELS,
  cancelDraft,
  castBallot,
  closeProposal,
  confirmEmergency,
  createProposal,
  draftDefaults,
  getProposalPage,
  listProposals,
  openProposal,
  type Channel,
  type ProposalInput,
} from './service.ts';

/** Every value of a repeated field (checkboxes), from a urlencoded or multipart body. */
function fieldTexts(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list
    .map((v) => (typeof v === 'string' ? v : v && typeof v === 'object' && 'value' in v && typeof v.value === 'string' ? v.value : null))
    .filter((v): v is string => v !== null);
}

const FLASHES = ['opened', 'cast', 'changed', 'recorded', 'closed', 'cancelled', 'emergency'];

export default async function voteRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const drafters = requireRole('committee', 'property');

  app.get('/votes', { preHandler: requireActor }, async (request, reply) => {
    const actor = actorOf(request);
    const { proposals, needsMine } = await listProposals(app.db, actor);
    return reply.page('votes/index.njk', { proposals, needsMine, now: app.now() });
  });

  async function renderForm(request: FastifyRequest, reply: FastifyReply, issueId: number | null, values: ProposalInput | null, errors: FieldError[]) {
    const defaults = await draftDefaults(app.db, actorOf(request), issueId, app.now());
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

  app.post('/votes', { preHandler: drafters }, async (request, reply) => {
    const actor = actorOf(request);
    const body = request.body;
    const input: ProposalInput = {
      estateId: fieldText(body, 'estateId'),
      issueId: fieldText(body, 'issueId'),
      matter: fieldText(body, 'matter'),
      title: fieldText(body, 'title'),
      description: fieldText(body, 'description'),
      scope: fieldText(body, 'scope'),
      buildingIds: fieldTexts(body, 'buildingIds'),
      amount: fieldText(body, 'amount'),
      opensAt: fieldText(body, 'opensAt'),
      closesAt: fieldText(body, 'closesAt'),
    };
    const issueId = /^\d{1,9}$/.test(input.issueId) ? Number(input.issueId) : null;
    const upload = checkUploads(fieldFiles(body, 'quotes'), 'fundQuotes', {
      maxFiles: app.config.uploadMaxFiles,
      maxBytes: app.config.uploadMaxBytes,
      documents: true,
    });
    if (upload.errors.length > 0) {
      reply.code(400);
      return renderForm(request, reply, issueId, input, upload.errors);
    }
    try {
      const id = await createProposal(app.db, actor, input, upload.files, app.config.uploadDir, app.now());
      return reply.redirect(`/votes/${id}`, 303);
    } catch (error) {
      if (error instanceof ValidationFailed) {
        reply.code(400);
        return renderForm(request, reply, issueId, input, error.errors);
      }
      throw error;
    }
  });

  async function renderPage(request: FastifyRequest, reply: FastifyReply, id: number, extra: Record<string, unknown> = {}) {
    const actor = actorOf(request);
    const data = await getProposalPage(app.db, actor, id, app.now());
    const query = request.query as Record<string, string | undefined>;
    return reply.page(request.isHtmx ? 'votes/_tally.njk' : 'votes/show.njk', {
      ...data,
      choices: VOTE_CHOICES,
      recordedChannels: RECORDED_CHANNELS,
      flash: FLASHES.includes(query.done ?? '') ? query.done : '',
      errors: [],
      recordValues: { recorderName: actor.displayName, channel: 'door_to_door', voterKey: query.voter ?? '' },
      ...extra,
    });
  }

  app.get('/votes/:id', { preHandler: requireActor, schema: { params: IdParams, querystring: PageQuery } }, async (request, reply) => {
    return renderPage(request, reply, request.params.id);
  });

  app.get('/votes/:id/canvass', { preHandler: requireActor, schema: { params: IdParams } }, async (request, reply) => {
    const data = await getProposalPage(app.db, actorOf(request), request.params.id, app.now());
    return reply.page('votes/canvass.njk', data);
  });

  app.post('/votes/:id/open', { preHandler: requireRole('committee'), schema: { params: IdParams } }, async (request, reply) => {
    await openProposal(app.db, actorOf(request), request.params.id, app.now());
    return reply.redirect(`/votes/${request.params.id}?done=opened`, 303);
  });

  app.post('/votes/:id/ballot', { preHandler: requireActor, schema: { params: IdParams, body: BallotBody } }, async (request, reply) => {
    const { changed } = await castBallot(
      app.db,
      actorOf(request),
      request.params.id,
      { voterKey: request.body.voterKey, choice: request.body.choice, channel: 'online' },
      app.now(),
    );
    return reply.redirect(`/votes/${request.params.id}?done=${changed ? 'changed' : 'cast'}#my-ballot`, 303);
  });

  app.post('/votes/:id/record', { preHandler: requireRole('committee'), schema: { params: IdParams, body: RecordBody } }, async (request, reply) => {
    const body = request.body;
    const values = { voterKey: body.voterKey ?? '', channel: body.channel ?? '', recorderName: body.recorderName ?? '', choice: body.choice ?? '' };
    try {
      await castBallot(
        app.db,
        actorOf(request),
        request.params.id,
        { voterKey: values.voterKey, choice: values.choice, channel: (values.channel || 'invalid') as Channel, recorderName: values.recorderName },
        app.now(),
      );
      return reply.redirect(`/votes/${request.params.id}?done=recorded#record`, 303);
    } catch (error) {
      if (error instanceof ValidationFailed) {
        reply.code(400);
        return renderPage(request, reply, request.params.id, { errors: error.errors, recordValues: values });
      }
      throw error;
    }
  });

  app.post('/votes/:id/close', { preHandler: requireRole('committee'), schema: { params: IdParams } }, async (request, reply) => {
    await closeProposal(app.db, actorOf(request), request.params.id, app.now());
    return reply.redirect(`/votes/${request.params.id}?done=closed`, 303);
  });

  app.post('/votes/:id/cancel', { preHandler: requireRole('committee'), schema: { params: IdParams } }, async (request, reply) => {
    await cancelDraft(app.db, actorOf(request), request.params.id, app.now());
    return reply.redirect(`/votes/${request.params.id}?done=cancelled`, 303);
  });

  app.post('/votes/:id/emergency', { preHandler: requireRole('community'), schema: { params: IdParams, body: NoteBody } }, async (request, reply) => {
    await confirmEmergency(app.db, actorOf(request), request.params.id, request.body.note ?? '', app.now());
    return reply.redirect(`/votes/${request.params.id}?done=emergency`, 303);
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf, requireActor, requireRole } from '../../lib/guards.ts';
import { checkUploads, withStoredFiles } from '../attachments/index.ts';
import { inTransaction } from '../../plugins/db.ts';
import { ValidationFailed, type FieldError } from '../../errors.ts';
import { errorsAs, formHandler } from '../../lib/form.ts';
import { VOTE_CHOICES } from '../../domain/vote-tally.ts';
import { PROXY_AGENT_NAME_MAX } from '../../domain/vote-procedure.ts';
import { liveProposalPage } from './live-reads.ts';
import {
  RECORDED_CHANNELS,
  castBallot,
  checkRecordedBallot,
  recordBallot,
  retryOnDuplicateBallot,
  type RecordedBallotForm,
} from './ballots.ts';
import { recordFormPage } from './ballot-queries.ts';
import { BALLOT_FIELDS, BallotForm, IdParams, RecordForm, RecordPageQuery } from './schemas.ts';

/** The file field of the record form: the photo or scan of the signed ballot or written proxy. */
const EVIDENCE_FIELD = 'evidence';

type RawFields = Record<string, string | string[] | undefined>;
const text = (raw: RawFields, name: string): string => {
  const v = raw[name];
  return typeof v === 'string' ? v : (v?.[0] ?? '');
};

/** The record form as typed, to show it again. */
const recordValuesOf = (raw: RawFields): RecordedBallotForm => ({
  voterKey: text(raw, 'voterKey'),
  choice: text(raw, 'choice'),
  channel: text(raw, 'channel'),
  signedAt: text(raw, 'signedAt'),
  signedTime: text(raw, 'signedTime'),
  agentName: text(raw, 'agentName'),
});

const idOf = (request: FastifyRequest): number => (request.params as { id: number }).id;

/**
 * Ballots: the owner's own ballot (on the proposal page) and the committee's record form for paper,
 * door-to-door and proxy ballots (its own page, reached from the canvass list).
 */
export default async function ballotRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const committee = requireRole('committee');
  const idSchema = { params: IdParams };
  const uploadLimits = () => ({ maxFiles: app.config.uploadMaxFiles, maxBytes: app.config.uploadMaxBytes, documents: true });

  async function renderRecordForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: RecordedBallotForm,
    errors: FieldError[],
  ) {
    const data = await recordFormPage(app.db, actorOf(request), idOf(request), values.voterKey, app.now());
    return reply.page('votes/record.njk', {
      ...data,
      values,
      errors,
      choices: VOTE_CHOICES,
      recordedChannels: RECORDED_CHANNELS,
      agentMax: PROXY_AGENT_NAME_MAX,
      maxFiles: app.config.uploadMaxFiles,
      maxMb: Math.round(app.config.uploadMaxBytes / 1048576),
    });
  }

  app.get(
    '/votes/:id/record',
    { preHandler: committee, schema: { params: IdParams, querystring: RecordPageQuery } },
    async (request, reply) => {
      const values = {
        voterKey: request.query.voter ?? '',
        choice: '',
        channel: 'door_to_door',
        signedAt: '',
        signedTime: '',
        agentName: '',
      };
      return renderRecordForm(request, reply, values, []);
    },
  );

  app.post(
    '/votes/:id/record',
    { preHandler: committee, schema: idSchema },
    formHandler({
      schema: RecordForm,
      act: async ({ request, value, files }) => {
        const id = idOf(request);
        const actor = actorOf(request);
        // Everything the form lacks is said at once, before a file is stored.
        const upload = checkUploads(files[EVIDENCE_FIELD] ?? [], 'ballotEvidence', uploadLimits());
        const checked = checkRecordedBallot(value, upload.files.length, app.now(), upload.errors);
        if (!checked.ok) throw new ValidationFailed(checked.errors);
        const ctx = { ip: request.ip };
        await withStoredFiles(app.config.uploadDir, upload.files, (stored) =>
          retryOnDuplicateBallot(() => inTransaction(app.db, (tx) => recordBallot(tx, actor, id, value, stored, app.now(), ctx))),
        );
        return `/votes/${id}?done=recorded#canvass`;
      },
      render: ({ request, reply, raw }, errors) =>
        renderRecordForm(request, reply, recordValuesOf(raw), errorsAs(errors, BALLOT_FIELDS)),
    }),
  );

  app.post(
    '/votes/:id/ballot',
    { preHandler: requireActor, schema: idSchema },
    formHandler({
      schema: BallotForm,
      act: async ({ request, value }) => {
        const id = idOf(request);
        const ctx = { ip: request.ip };
        const { changed } = await retryOnDuplicateBallot(() =>
          inTransaction(app.db, (tx) => castBallot(tx, actorOf(request), id, value, app.now(), ctx)),
        );
        return `/votes/${id}?done=${changed ? 'changed' : 'cast'}#my-ballot`;
      },
      // the proposal page again, the owner's ballot form saying what is missing
      render: async ({ request, reply }, errors) => {
        const data = await liveProposalPage(app.sql, actorOf(request), idOf(request), app.now());
        return reply.page('votes/show.njk', {
          ...data,
          choices: VOTE_CHOICES,
          recordedChannels: RECORDED_CHANNELS,
          flash: '',
          errors: errorsAs(errors, BALLOT_FIELDS),
        });
      },
    }),
  );
}

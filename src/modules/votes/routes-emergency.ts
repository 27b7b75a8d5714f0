import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, requireActor, requireRole } from '../../lib/guards.ts';
import { acceptUploads, withStoredFiles } from '../attachments/index.ts';
import { inTransaction } from '../../plugins/db.ts';
import type { FieldError } from '../../errors.ts';
import { errorsAs, formHandler } from '../../lib/form.ts';
import {
  applyForEmergency,
  confirmEmergencyApplication,
  getEmergencyPage,
  getEmergencyStepPage,
  recordAuthorityApproval,
  type EmergencyStep,
} from './emergency.ts';
import { IdParams } from './schemas.ts';

/** Free text as typed: the service trims it and says, inline, what is too long. */
const Text = (maxLength: number) => Type.String({ maxLength, default: '' });

const EmergencyQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) });
/** Apply and confirm: what endangers the building (required to apply), or the community's remark. */
const EmergencyNoteForm = Type.Object({ note: Text(4000) });
/** The authority's approval (multipart: its scan is checked as an upload). */
const AuthorityForm = Type.Object({ docNo: Text(400), approvedOn: Text(40) });

const NOTE_FIELDS = { note: 'emergencyNote' } as const;
const AUTHORITY_FIELDS = { docNo: 'authorityDocNo', approvedOn: 'authorityApprovedOn' } as const;
const FLASHES: Record<EmergencyStep, string> = { apply: 'applied', confirm: 'confirmed', authority: 'approved' };

const idOf = (request: FastifyRequest): number => (request.params as { id: number }).id;

/**
 * The emergency path of a fund proposal: its page, and for each step a confirmation page (GET) that says
 * what will happen and whose form posts the step (works without JavaScript).
 */
export default async function voteEmergencyRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const schema = { params: IdParams };
  const who: Record<EmergencyStep, ReturnType<typeof requireRole>> = {
    apply: requireRole('committee', 'property'),
    confirm: requireRole('community'),
    authority: requireRole('committee', 'community'),
  };

  app.get(
    '/votes/:id/emergency',
    { preHandler: requireActor, schema: { params: IdParams, querystring: EmergencyQuery } },
    async (request, reply) => {
      const page = await getEmergencyPage(app.db, actorOf(request), request.params.id);
      const flash = request.query.done ?? '';
      return reply.page('votes/emergency.njk', { ...page, flash: Object.values(FLASHES).includes(flash) ? flash : '' });
    },
  );

  async function renderStep(
    request: FastifyRequest,
    reply: FastifyReply,
    step: EmergencyStep,
    values: Record<string, unknown>,
    errors: FieldError[],
  ) {
    const page = await getEmergencyStepPage(app.db, actorOf(request), idOf(request), step);
    return reply.page('votes/emergency-confirm.njk', {
      ...page,
      values,
      errors,
      maxFiles: app.config.uploadMaxFiles,
      maxMb: Math.round(app.config.uploadMaxBytes / 1048576),
    });
  }
  const done = (request: FastifyRequest, step: EmergencyStep) => `/votes/${idOf(request)}/emergency?done=${FLASHES[step]}`;

  for (const step of ['apply', 'confirm'] as const) {
    app.get(`/votes/:id/emergency/${step}`, { preHandler: who[step], schema }, async (request, reply) =>
      renderStep(request, reply, step, {}, []),
    );
    const command = step === 'apply' ? applyForEmergency : confirmEmergencyApplication;
    app.post(
      `/votes/:id/emergency/${step}`,
      { preHandler: who[step], schema },
      formHandler({
        schema: EmergencyNoteForm,
        act: async ({ request, value }) => {
          await inTransaction(app.db, (tx) =>
            command(tx, actorOf(request), idOf(request), value.note, app.now(), { ip: request.ip }),
          );
          return done(request, step);
        },
        render: ({ request, reply, raw }, errors) => renderStep(request, reply, step, raw, errorsAs(errors, NOTE_FIELDS)),
      }),
    );
  }

  app.get('/votes/:id/emergency/authority', { preHandler: who.authority, schema }, async (request, reply) =>
    renderStep(request, reply, 'authority', {}, []),
  );
  app.post(
    '/votes/:id/emergency/authority',
    { preHandler: who.authority, schema },
    formHandler({
      schema: AuthorityForm,
      act: async ({ request, value, files }) => {
        const actor = actorOf(request);
        const scans = acceptUploads(files.scan, 'authorityScan', {
          maxFiles: app.config.uploadMaxFiles,
          maxBytes: app.config.uploadMaxBytes,
          documents: true,
        });
        await withStoredFiles(app.config.uploadDir, scans, (stored) =>
          inTransaction(app.db, (tx) =>
            recordAuthorityApproval(tx, actor, idOf(request), value, stored, app.now(), { ip: request.ip }),
          ),
        );
        return done(request, 'authority');
      },
      render: ({ request, reply, raw }, errors) =>
        renderStep(request, reply, 'authority', raw, errorsAs(errors, AUTHORITY_FIELDS)),
    }),
  );
}

import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import type { Actor } from '../../actor.ts';
import { inTransaction } from '../../plugins/db.ts';
import { NotFound, type FieldError } from '../../errors.ts';
import { errorsAs, formHandler, refuseForm } from '../../lib/form.ts';
import { actorOf, requireRole } from '../../lib/guards.ts';
import { acceptUploads, withStoredFiles } from '../attachments/index.ts';
import { allEstates, estatesByIds } from '../places/index.ts';
import { STAFF_NOTICE_KINDS, getNotice } from './service.ts';
import { BODY_MAX, TITLE_MAX, firstPostAfterRace, isBoardStaff, postNotice, setPinned, withdrawNotice } from './commands.ts';
import { renderNotice } from './pages.ts';
import { ButtonForm, IdParams, NOTICE_FIELDS, NoticeForm, WithdrawForm } from './schemas.ts';

type FormValues = Record<string, string | string[]>;

interface StaffOptions {
  canSeeMeeting: (actor: Actor, meetingId: number) => Promise<boolean>;
}

/** A wrong hidden submission key means the page the form came from is stale: say that once. */
function formErrors(errors: FieldError[]): FieldError[] {
  const named = errorsAs(errors, NOTICE_FIELDS);
  const rest = named.filter((e) => e.field !== 'form');
  return named.length > rest.length ? [...rest, { field: 'form', code: 'stale_form' }] : rest;
}

/** The notice a staff form acts on, loaded first: another estate's notice is a 404 before the body is read. */
async function changeableId(request: FastifyRequest): Promise<number> {
  const actor = actorOf(request);
  const notice = await getNotice(request.server.db, actor, (request.params as Static<typeof IdParams>).id);
  if (!isBoardStaff(actor, notice.estateId)) throw new NotFound();
  return notice.id;
}

/**
 * Staff notices (issue #12): the form that posts one (multipart, with photos and scans), and pinning,
 * unpinning and withdrawing a notice of their estate. Each change is audited in its transaction.
 */
export default async function noticeStaffRoutes(fastify: FastifyInstance, { canSeeMeeting }: StaffOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const staff = requireRole('property', 'committee', 'community', 'admin');
  const ctxOf = (request: FastifyRequest) => ({ ip: request.ip, now: app.now() });

  async function renderForm(request: FastifyRequest, reply: FastifyReply, values: FormValues, errors: FieldError[]) {
    const actor = actorOf(request);
    const estates = actor.role === 'admin' ? await allEstates(app.db) : await estatesByIds(app.db, actor.estateIds);
    const key = values.submissionKey;
    return reply.page('notices/new.njk', {
      estates,
      kinds: STAFF_NOTICE_KINDS,
      values: {
        kind: 'general',
        estateId: estates.length === 1 ? String(estates[0]!.id) : '',
        ...values,
        // a stale form gets a fresh key, so the corrected form can be sent
        submissionKey: typeof key === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(key) ? key : randomUUID(),
      },
      errors,
      titleMax: TITLE_MAX,
      bodyMax: BODY_MAX,
      maxFiles: app.config.uploadMaxFiles,
      maxMb: Math.round(app.config.uploadMaxBytes / 1048576),
    });
  }

  app.get('/notices/new', { preHandler: staff }, async (request, reply) => renderForm(request, reply, {}, []));

  // Multipart (photos and scans) or urlencoded (no files): both arrive as fields here.
  app.post(
    '/notices',
    { preHandler: staff },
    formHandler({
      schema: NoticeForm,
      act: async ({ request, value, files }) => {
        const actor = actorOf(request);
        const accepted = acceptUploads(files.files, 'noticeFiles', {
          maxFiles: app.config.uploadMaxFiles,
          maxBytes: app.config.uploadMaxBytes,
          documents: true,
        });
        const { noticeId, duplicate } = await withStoredFiles(app.config.uploadDir, accepted, (stored) =>
          inTransaction(app.db, (tx) => postNotice(tx, actor, value, stored, ctxOf(request))),
        ).catch((error: unknown) => firstPostAfterRace(app.db, actor, value.submissionKey, error));
        return duplicate ? `/notices/${noticeId}` : `/notices/${noticeId}?done=posted`;
      },
      render: ({ request, reply, raw }, errors) => renderForm(request, reply, raw, formErrors(errors)),
    }),
  );

  const button = (pinned: boolean) =>
    formHandler({
      schema: ButtonForm,
      load: changeableId,
      act: async ({ request }, id) => {
        await inTransaction(app.db, (tx) => setPinned(tx, actorOf(request), id, pinned, ctxOf(request)));
        return `/notices/${id}?done=${pinned ? 'pinned' : 'unpinned'}`;
      },
      render: refuseForm,
    });
  app.post('/notices/:id/pin', { preHandler: staff, schema: { params: IdParams } }, button(true));
  app.post('/notices/:id/unpin', { preHandler: staff, schema: { params: IdParams } }, button(false));

  app.post(
    '/notices/:id/withdraw',
    { preHandler: staff, schema: { params: IdParams } },
    formHandler({
      schema: WithdrawForm,
      load: changeableId,
      act: async ({ request, value }, id) => {
        await inTransaction(app.db, (tx) => withdrawNotice(tx, actorOf(request), id, value.reason, ctxOf(request)));
        return `/notices/${id}?done=withdrawn`;
      },
      render: ({ request, reply, raw }, errors, id) => {
        const reason = typeof raw.reason === 'string' ? raw.reason : '';
        return renderNotice(request, reply, id, canSeeMeeting, {
          errors: errorsAs(errors, { reason: 'withdrawReason' }),
          reason,
        });
      },
    }),
  );
}

import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { inTransaction } from '../../plugins/db.ts';
import { NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { formHandler } from '../../lib/form.ts';
import { actorOf, requireRole } from '../../lib/guards.ts';
import { acceptUploads, withStoredFiles } from '../attachments/index.ts';
import { residentOfEstate, residentsForCaller } from '../auth/index.ts';
import { activeCategories, buildingsOfEstate, estatesByIds } from '../places/index.ts';
import { CallerFilingForm, callerEstateId, fileForCaller, firstCallerFilingAfterRace } from './caller-filing.ts';

/**
 * Staff filing a caller's issue (phone or service desk): the form (after choosing the estate when they
 * serve several), the search for the caller's account (an htmx partial, or the form sent back with the
 * matches without JavaScript), and filing it.
 */

const RESIDENT_LIMIT = 20;
const OptionalId = Type.Optional(Type.Union([Type.Literal(''), Type.String({ pattern: '^[0-9]{1,9}$' })]));
const CallerFormQuery = Type.Object({ estate: OptionalId });
const ResidentSearchQuery = Type.Object({ estateId: OptionalId, residentQuery: Type.Optional(Type.String({ maxLength: 100 })) });

type Values = Record<string, string | string[]>;
const text = (v: unknown) => (typeof v === 'string' ? v : '');

export default async function callerRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const staff = requireRole('community', 'property');

  /** The residents the form lists: the search's matches, and the one picked before (kept across a re-render). */
  async function residentChoices(estateId: number, values: Values) {
    const query = text(values.residentQuery).trim();
    const found = query === '' ? [] : await residentsForCaller(app.db, estateId, query, RESIDENT_LIMIT + 1);
    const residents = found.slice(0, RESIDENT_LIMIT);
    const picked = text(values.residentId);
    if (/^[0-9]{1,9}$/.test(picked) && !residents.some((r) => r.id === Number(picked))) {
      const one = await residentOfEstate(app.db, estateId, Number(picked));
      if (one) residents.unshift(one);
    }
    return { residents, searched: query !== '', more: found.length > RESIDENT_LIMIT, limit: RESIDENT_LIMIT };
  }

  async function renderForm(
    request: FastifyRequest,
    reply: FastifyReply,
    estateId: number | null,
    values: Values,
    errors: FieldError[],
  ) {
    const actor = actorOf(request);
    const estates = await estatesByIds(app.db, actor.estateIds);
    if (estateId === null) return reply.page('issues/new-for-caller.njk', { estates, estate: null });
    const estate = estates.find((e) => e.id === callerEstateId(actor, estateId));
    if (!estate) throw new NotFound();
    const [buildings, categories, choices] = await Promise.all([
      buildingsOfEstate(app.db, estate.id),
      activeCategories(app.db),
      residentChoices(estate.id, values),
    ]);
    const key = text(values.submissionKey);
    return reply.page('issues/new-for-caller.njk', {
      estates,
      estate,
      buildings,
      categories,
      ...choices,
      values: {
        channel: 'phone',
        locationType: 'building',
        ...values,
        submissionKey: /^[A-Za-z0-9_-]{8,64}$/.test(key) ? key : randomUUID(),
      },
      errors,
      maxFiles: app.config.uploadMaxFiles,
      maxMb: Math.round(app.config.uploadMaxBytes / 1048576),
    });
  }

  app.get('/issues/new-for-caller', { preHandler: staff, schema: { querystring: CallerFormQuery } }, async (request, reply) => {
    const actor = actorOf(request);
    const chosen = request.query.estate
      ? Number(request.query.estate)
      : actor.estateIds.length === 1
        ? actor.estateIds[0]!
        : null;
    return renderForm(request, reply, chosen, {}, []);
  });

  // The account search as staff type (htmx): the radio list of matching residents of the estate.
  app.get(
    '/issues/new-for-caller/residents',
    { preHandler: staff, schema: { querystring: ResidentSearchQuery } },
    async (request, reply) => {
      if (!request.query.estateId) throw new NotFound();
      const estateId = callerEstateId(actorOf(request), Number(request.query.estateId));
      const choices = await residentChoices(estateId, { residentQuery: request.query.residentQuery ?? '' });
      return reply.page('issues/_caller-residents.njk', { ...choices, values: {}, errors: [] });
    },
  );

  app.post(
    '/issues/new-for-caller',
    { preHandler: staff },
    formHandler({
      schema: CallerFilingForm,
      act: async ({ request, value, files }) => {
        const actor = actorOf(request);
        callerEstateId(actor, Number(value.estateId));
        // Without JavaScript the search button sends the whole form: answer with the matches, file nothing.
        if (value.intent === 'search') throw new ValidationFailed([{ field: 'residentQuery', code: 'search' }]);
        const photos = acceptUploads(files.photos, 'photos', {
          maxFiles: app.config.uploadMaxFiles,
          maxBytes: app.config.uploadMaxBytes,
        });
        const channel = request.t(`caller.channelLabel.${value.channel === 'desk' ? 'desk' : 'phone'}`);
        const eventNote = request.t('caller.eventNote', { channel });
        const { issueId } = await withStoredFiles(app.config.uploadDir, photos, (stored) =>
          inTransaction(app.db, (tx) => fileForCaller(tx, actor, value, stored, { now: app.now(), eventNote })),
        ).catch((error: unknown) => firstCallerFilingAfterRace(app.db, actor, value, error));
        return `/issues/${issueId}?filed=1`;
      },
      render: ({ request, reply, raw }, errors) => {
        const estateId = text(raw.estateId);
        if (!/^[0-9]{1,9}$/.test(estateId)) throw new NotFound();
        const searching = errors.some((e) => e.field === 'residentQuery' && e.code === 'search');
        if (searching) reply.code(200);
        const shown = errors.filter((e) => !(e.field === 'residentQuery' && e.code === 'search'));
        // A wrong hidden key means a stale page: a fresh key lets the corrected form be sent.
        const stale = shown.some((e) => e.field === 'submissionKey');
        return renderForm(
          request,
          reply,
          Number(estateId),
          stale ? { ...raw, submissionKey: '' } : raw,
          stale ? [...shown.filter((e) => e.field !== 'submissionKey'), { field: 'form', code: 'stale_form' }] : shown,
        );
      },
    }),
  );
}

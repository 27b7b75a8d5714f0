import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { inTransaction } from '../../plugins/db.ts';
import { formHandler } from '../../lib/form.ts';
import type { FieldError } from '../../errors.ts';
import { createCommunity, createEstate, updateCommunity, updateEstate, updateEstateSettings } from './admin-commands.ts';
import { communityForAdmin, estateForAdmin, joinCodeEstates, listCommunities, listEstates } from './admin-queries.ts';
import { SETTING_BOUNDS } from './rules.ts';
import { CommunityForm, EstateForm, IdParams, ListQuery, SettingsForm } from './schemas.ts';
import { actorOf, adminOnly, changedBy, estateStaff, listArgs, placeStaff, saved } from './route-kit.ts';
import structureRoutes, { type UnitsLockedByOpenVotes } from './routes-structure.ts';
import catalogueRoutes from './routes-catalogue.ts';
import joinRoutes from './routes-join.ts';

/**
 * Administration of places (issue #9): the entry page, communities, estates and their settings. Buildings
 * and units, categories and outside units, and the join poster have their own route files. Every page is
 * scoped: an administrator sees everything, community staff their own community, and anything else is a
 * 404. Forms go through formHandler: bad input comes back inline (400), nothing half-written.
 */
export default async function placesRoutes(
  fastify: FastifyInstance,
  options: { unitsLockedByOpenVotes?: UnitsLockedByOpenVotes } = {},
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  type Values = Record<string, unknown>;

  // ─── the entry page ───

  app.get('/admin', { preHandler: estateStaff }, async (request, reply) => {
    const actor = actorOf(request);
    const community =
      actor.role === 'community' && actor.communityId !== null ? await communityForAdmin(app.db, actor, actor.communityId) : null;
    const joinEstates = await joinCodeEstates(app.db, actor);
    return reply.page('places/admin.njk', { community, joinEstates });
  });

  // ─── communities ───

  async function renderCommunities(request: FastifyRequest, reply: FastifyReply, values: Values, errors: FieldError[]) {
    const { q, page } = listArgs(request.query as ListQuery);
    const list = await listCommunities(app.db, actorOf(request), q, page);
    return reply.page('places/communities.njk', { list, q, values, errors, saved: (request.query as ListQuery).saved === '1' });
  }

  app.get('/admin/communities', { preHandler: placeStaff, schema: { querystring: ListQuery } }, async (request, reply) => {
    return renderCommunities(request, reply, {}, []);
  });

  app.post(
    '/admin/communities',
    { preHandler: adminOnly, schema: { querystring: ListQuery } },
    formHandler({
      schema: CommunityForm,
      act: async ({ request, value }) => {
        const community = await inTransaction(app.db, (tx) => createCommunity(tx, changedBy(app, request), value));
        return saved(`/admin/communities/${community.id}`);
      },
      render: ({ request, reply, raw }, errors) => renderCommunities(request, reply, raw, errors),
    }),
  );

  async function renderCommunity(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    forms: { rename?: Values; estate?: Values },
    errors: FieldError[],
  ) {
    const actor = actorOf(request);
    const community = await communityForAdmin(app.db, actor, id);
    const { q, page } = listArgs(request.query as ListQuery);
    const estates = await listEstates(app.db, community.id, q, page);
    return reply.page('places/community.njk', {
      community,
      estates,
      q,
      rename: forms.rename ?? { communityName: community.name, communityDistrict: community.district },
      estateValues: forms.estate ?? {},
      renameErrors: forms.rename ? errors : [],
      estateErrors: forms.estate ? errors : [],
      saved: (request.query as ListQuery).saved === '1',
    });
  }

  app.get(
    '/admin/communities/:id',
    { preHandler: placeStaff, schema: { params: IdParams, querystring: ListQuery } },
    async (request, reply) => {
      return renderCommunity(request, reply, request.params.id, {}, []);
    },
  );

  app.post(
    '/admin/communities/:id',
    { preHandler: adminOnly, schema: { params: IdParams } },
    formHandler({
      schema: CommunityForm,
      load: (request) => communityForAdmin(app.db, actorOf(request), (request.params as { id: number }).id),
      act: async ({ request, value }, community) => {
        await inTransaction(app.db, (tx) => updateCommunity(tx, changedBy(app, request), community.id, value));
        return saved(`/admin/communities/${community.id}`);
      },
      render: ({ request, reply, raw }, errors, community) =>
        renderCommunity(request, reply, community!.id, { rename: raw }, errors),
    }),
  );

  // ─── estates ───

  app.post(
    '/admin/communities/:id/estates',
    { preHandler: placeStaff, schema: { params: IdParams } },
    formHandler({
      schema: EstateForm,
      load: (request) => communityForAdmin(app.db, actorOf(request), (request.params as { id: number }).id),
      act: async ({ request, value }, community) => {
        const estate = await inTransaction(app.db, (tx) => createEstate(tx, changedBy(app, request), community.id, value));
        return saved(`/admin/estates/${estate.id}`);
      },
      render: ({ request, reply, raw }, errors, community) =>
        renderCommunity(request, reply, community!.id, { estate: raw }, errors),
    }),
  );

  async function renderEstate(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    values: Values | null,
    errors: FieldError[],
  ) {
    const estate = await estateForAdmin(app.db, actorOf(request), id);
    return reply.page('places/estate.njk', {
      estate,
      values: values ?? {
        estateName: estate.name,
        estateAddress: estate.address,
        propertyCompanyName: estate.propertyCompanyName,
        committeeName: estate.committeeName,
        dutyPhone: estate.dutyPhone,
      },
      errors,
      saved: (request.query as ListQuery).saved === '1',
    });
  }

  app.get(
    '/admin/estates/:id',
    { preHandler: placeStaff, schema: { params: IdParams, querystring: ListQuery } },
    async (request, reply) => {
      return renderEstate(request, reply, request.params.id, null, []);
    },
  );

  app.post(
    '/admin/estates/:id',
    { preHandler: placeStaff, schema: { params: IdParams } },
    formHandler({
      schema: EstateForm,
      load: (request) => estateForAdmin(app.db, actorOf(request), (request.params as { id: number }).id),
      act: async ({ request, value }, estate) => {
        await inTransaction(app.db, (tx) => updateEstate(tx, changedBy(app, request), estate.id, value));
        return saved(`/admin/estates/${estate.id}`);
      },
      render: ({ request, reply, raw }, errors, estate) => renderEstate(request, reply, estate!.id, raw, errors),
    }),
  );

  // ─── per-estate settings ───

  async function renderSettings(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    values: Values | null,
    errors: FieldError[],
  ) {
    const estate = await estateForAdmin(app.db, actorOf(request), id);
    const current: Values = {
      autoCloseDays: String(estate.autoCloseDays),
      satisfactionWeightPct: String(estate.satisfactionWeightPct),
      deadlineWarningHours: String(estate.deadlineWarningHours),
      meetingReminderHours: String(estate.meetingReminderHours),
      voteReminderHours: String(estate.voteReminderHours),
      bouncingThreshold: String(estate.bouncingThreshold),
      minVotingDays: String(estate.minVotingDays),
      secretBallots: estate.secretBallots ? '1' : undefined,
    };
    return reply.page('places/settings.njk', {
      estate,
      values: values ?? current,
      errors,
      bounds: SETTING_BOUNDS,
      saved: (request.query as ListQuery).saved === '1',
    });
  }

  app.get(
    '/admin/estates/:id/settings',
    { preHandler: placeStaff, schema: { params: IdParams, querystring: ListQuery } },
    async (request, reply) => {
      return renderSettings(request, reply, request.params.id, null, []);
    },
  );

  app.post(
    '/admin/estates/:id/settings',
    { preHandler: placeStaff, schema: { params: IdParams } },
    formHandler({
      schema: SettingsForm,
      load: (request) => estateForAdmin(app.db, actorOf(request), (request.params as { id: number }).id),
      act: async ({ request, value }, estate) => {
        await inTransaction(app.db, (tx) => updateEstateSettings(tx, changedBy(app, request), estate.id, value));
        return saved(`/admin/estates/${estate.id}/settings`);
      },
      render: ({ request, reply, raw }, errors, estate) => renderSettings(request, reply, estate!.id, raw, errors),
    }),
  );

  await app.register(structureRoutes, { unitsLockedByOpenVotes: options.unitsLockedByOpenVotes });
  await app.register(catalogueRoutes);
  await app.register(joinRoutes);
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { inTransaction } from '../../plugins/db.ts';
import { formHandler } from '../../lib/form.ts';
import type { FieldError } from '../../errors.ts';
import { PARTIES } from '../../domain/issue-workflow.ts';
import { createCategory, createOutsideUnit, updateCategory, updateOutsideUnit } from './admin-commands-catalogue.ts';
import { categoryForAdmin, communityForAdmin, listCategories, listOutsideUnits, outsideUnitForAdmin } from './admin-queries.ts';
import { CategoryForm, IdParams, ListQuery, OutsideUnitForm } from './schemas.ts';
import { actorOf, adminOnly, changedBy, listArgs, placeStaff, saved } from './route-kit.ts';

/**
 * Categories (a community's own, and the shared set only administrators keep) and outside units (the
 * community police officer, the housing office). A new category starts active with the property as its
 * default party.
 */
export default async function catalogueRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  type Values = Record<string, unknown>;
  const isSaved = (request: FastifyRequest) => (request.query as ListQuery).saved === '1';
  const newCategory: Values = { categoryActive: '1', defaultParty: 'property', categoryOrder: '0' };

  // ─── categories ───

  /** The list of a community's categories, or (communityId null) the shared set. */
  async function renderCategories(
    request: FastifyRequest,
    reply: FastifyReply,
    communityId: number | null,
    values: Values,
    errors: FieldError[],
  ) {
    const community = communityId === null ? null : await communityForAdmin(app.db, actorOf(request), communityId);
    const { q, page } = listArgs(request.query as ListQuery);
    const list = await listCategories(app.db, communityId, q, page);
    const base = community ? `/admin/communities/${community.id}/categories` : '/admin/categories';
    return reply.page('places/categories.njk', {
      community,
      list,
      q,
      base,
      values,
      errors,
      parties: PARTIES,
      saved: isSaved(request),
    });
  }

  app.get('/admin/categories', { preHandler: adminOnly, schema: { querystring: ListQuery } }, async (request, reply) => {
    return renderCategories(request, reply, null, newCategory, []);
  });

  app.post(
    '/admin/categories',
    { preHandler: adminOnly },
    formHandler({
      schema: CategoryForm,
      act: async ({ request, value }) => {
        await inTransaction(app.db, (tx) => createCategory(tx, changedBy(app, request), null, value));
        return saved('/admin/categories');
      },
      render: ({ request, reply, raw }, errors) => renderCategories(request, reply, null, raw, errors),
    }),
  );

  app.get(
    '/admin/communities/:id/categories',
    { preHandler: placeStaff, schema: { params: IdParams, querystring: ListQuery } },
    async (request, reply) => {
      return renderCategories(request, reply, request.params.id, newCategory, []);
    },
  );

  app.post(
    '/admin/communities/:id/categories',
    { preHandler: placeStaff, schema: { params: IdParams } },
    formHandler({
      schema: CategoryForm,
      load: (request) => communityForAdmin(app.db, actorOf(request), (request.params as { id: number }).id),
      act: async ({ request, value }, community) => {
        await inTransaction(app.db, (tx) => createCategory(tx, changedBy(app, request), community.id, value));
        return saved(`/admin/communities/${community.id}/categories`);
      },
      render: ({ request, reply, raw }, errors, community) => renderCategories(request, reply, community!.id, raw, errors),
    }),
  );

  async function renderCategory(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    values: Values | null,
    errors: FieldError[],
  ) {
    const category = await categoryForAdmin(app.db, actorOf(request), id);
    return reply.page('places/category.njk', {
      category,
      parties: PARTIES,
      values: values ?? {
        categoryNameZh: category.nameZh,
        categoryNameEn: category.nameEn,
        responseHours: String(category.responseHours),
        resolveHours: String(category.resolveHours),
        categoryEmergency: category.emergency ? '1' : undefined,
        defaultParty: category.defaultParty,
        categoryOrder: String(category.sortOrder),
        categoryActive: category.active ? '1' : undefined,
      },
      errors,
      saved: isSaved(request),
    });
  }

  app.get(
    '/admin/categories/:id',
    { preHandler: placeStaff, schema: { params: IdParams, querystring: ListQuery } },
    async (request, reply) => {
      return renderCategory(request, reply, request.params.id, null, []);
    },
  );

  app.post(
    '/admin/categories/:id',
    { preHandler: placeStaff, schema: { params: IdParams } },
    formHandler({
      schema: CategoryForm,
      load: (request) => categoryForAdmin(app.db, actorOf(request), (request.params as { id: number }).id),
      act: async ({ request, value }, category) => {
        await inTransaction(app.db, (tx) => updateCategory(tx, changedBy(app, request), category.id, value));
        return saved(`/admin/categories/${category.id}`);
      },
      render: ({ request, reply, raw }, errors, category) => renderCategory(request, reply, category!.id, raw, errors),
    }),
  );

  // ─── outside units ───

  async function renderOutsideUnits(
    request: FastifyRequest,
    reply: FastifyReply,
    communityId: number,
    values: Values,
    errors: FieldError[],
  ) {
    const community = await communityForAdmin(app.db, actorOf(request), communityId);
    const { q, page } = listArgs(request.query as ListQuery);
    const list = await listOutsideUnits(app.db, community.id, q, page);
    return reply.page('places/outside-units.njk', { community, list, q, values, errors, saved: isSaved(request) });
  }

  app.get(
    '/admin/communities/:id/outside-units',
    { preHandler: placeStaff, schema: { params: IdParams, querystring: ListQuery } },
    async (request, reply) => {
      return renderOutsideUnits(request, reply, request.params.id, { outsideActive: '1' }, []);
    },
  );

  app.post(
    '/admin/communities/:id/outside-units',
    { preHandler: placeStaff, schema: { params: IdParams } },
    formHandler({
      schema: OutsideUnitForm,
      load: (request) => communityForAdmin(app.db, actorOf(request), (request.params as { id: number }).id),
      act: async ({ request, value }, community) => {
        await inTransaction(app.db, (tx) => createOutsideUnit(tx, changedBy(app, request), community.id, value));
        return saved(`/admin/communities/${community.id}/outside-units`);
      },
      render: ({ request, reply, raw }, errors, community) => renderOutsideUnits(request, reply, community!.id, raw, errors),
    }),
  );

  async function renderOutsideUnit(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    values: Values | null,
    errors: FieldError[],
  ) {
    const unit = await outsideUnitForAdmin(app.db, actorOf(request), id);
    return reply.page('places/outside-unit.njk', {
      unit,
      values: values ?? {
        outsideName: unit.name,
        outsideKind: unit.kind,
        outsideContact: unit.contactName,
        outsidePhone: unit.phone,
        outsideActive: unit.active ? '1' : undefined,
      },
      errors,
      saved: isSaved(request),
    });
  }

  app.get(
    '/admin/outside-units/:id',
    { preHandler: placeStaff, schema: { params: IdParams, querystring: ListQuery } },
    async (request, reply) => {
      return renderOutsideUnit(request, reply, request.params.id, null, []);
    },
  );

  app.post(
    '/admin/outside-units/:id',
    { preHandler: placeStaff, schema: { params: IdParams } },
    formHandler({
      schema: OutsideUnitForm,
      load: (request) => outsideUnitForAdmin(app.db, actorOf(request), (request.params as { id: number }).id),
      act: async ({ request, value }, unit) => {
        await inTransaction(app.db, (tx) => updateOutsideUnit(tx, changedBy(app, request), unit.id, value));
        return saved(`/admin/outside-units/${unit.id}`);
      },
      render: ({ request, reply, raw }, errors, unit) => renderOutsideUnit(request, reply, unit!.id, raw, errors),
    }),
  );
}

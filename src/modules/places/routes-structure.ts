import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { inTransaction, type DbTx } from '../../plugins/db.ts';
import { formHandler } from '../../lib/form.ts';
import { Conflict, type FieldError } from '../../errors.ts';
import { formatShanghai } from '../../domain/deadlines.ts';
import { formatArea } from '../../domain/money.ts';
import { createBuilding, createUnit, updateBuilding, updateUnit } from './admin-commands.ts';
import { buildingForAdmin, estateForAdmin, listBuildings, listUnits, unitForAdmin } from './admin-queries.ts';
import { BuildingForm, IdParams, ListQuery, UnitForm } from './schemas.ts';
import { actorOf, changedBy, listArgs, placeStaff, saved } from './route-kit.ts';

/** Buildings of an estate and units of a building, entered by hand (the roster import does it in bulk). */
/**
 * Which of these units are in an open vote's electorate. Votes knows, and votes reads places, so places
 * does not import votes: the app hands this question to the places routes (as it does to the roster's).
 */
export type UnitsLockedByOpenVotes = (
  db: DbTx,
  unitIds: readonly number[],
) => Promise<{ unitId: number; title: string; closesAt: Date | null }[]>;

export default async function structureRoutes(
  fastify: FastifyInstance,
  options: { unitsLockedByOpenVotes?: UnitsLockedByOpenVotes },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  type Values = Record<string, unknown>;
  const isSaved = (request: FastifyRequest) => (request.query as ListQuery).saved === '1';

  // ─── buildings ───

  async function renderBuildings(
    request: FastifyRequest,
    reply: FastifyReply,
    estateId: number,
    values: Values,
    errors: FieldError[],
  ) {
    const estate = await estateForAdmin(app.db, actorOf(request), estateId);
    const { q, page } = listArgs(request.query as ListQuery);
    const list = await listBuildings(app.db, estate.id, q, page);
    return reply.page('places/buildings.njk', { estate, list, q, values, errors, saved: isSaved(request) });
  }

  app.get(
    '/admin/estates/:id/buildings',
    { preHandler: placeStaff, schema: { params: IdParams, querystring: ListQuery } },
    async (request, reply) => {
      return renderBuildings(request, reply, request.params.id, {}, []);
    },
  );

  app.post(
    '/admin/estates/:id/buildings',
    { preHandler: placeStaff, schema: { params: IdParams } },
    formHandler({
      schema: BuildingForm,
      load: (request) => estateForAdmin(app.db, actorOf(request), (request.params as { id: number }).id),
      act: async ({ request, value }, estate) => {
        await inTransaction(app.db, (tx) => createBuilding(tx, changedBy(app, request), estate.id, value));
        return saved(`/admin/estates/${estate.id}/buildings`);
      },
      render: ({ request, reply, raw }, errors, estate) => renderBuildings(request, reply, estate!.id, raw, errors),
    }),
  );

  async function renderBuilding(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    values: Values | null,
    errors: FieldError[],
  ) {
    const building = await buildingForAdmin(app.db, actorOf(request), id);
    return reply.page('places/building.njk', {
      building,
      values: values ?? {
        buildingName: building.name,
        buildingFloors: String(building.floors),
        buildingOrder: String(building.sortOrder),
      },
      errors,
      saved: isSaved(request),
    });
  }

  app.get(
    '/admin/buildings/:id',
    { preHandler: placeStaff, schema: { params: IdParams, querystring: ListQuery } },
    async (request, reply) => {
      return renderBuilding(request, reply, request.params.id, null, []);
    },
  );

  app.post(
    '/admin/buildings/:id',
    { preHandler: placeStaff, schema: { params: IdParams } },
    formHandler({
      schema: BuildingForm,
      load: (request) => buildingForAdmin(app.db, actorOf(request), (request.params as { id: number }).id),
      act: async ({ request, value }, building) => {
        await inTransaction(app.db, (tx) => updateBuilding(tx, changedBy(app, request), building.id, value));
        return saved(`/admin/buildings/${building.id}`);
      },
      render: ({ request, reply, raw }, errors, building) => renderBuilding(request, reply, building!.id, raw, errors),
    }),
  );

  // ─── units ───

  async function renderUnits(
    request: FastifyRequest,
    reply: FastifyReply,
    buildingId: number,
    values: Values,
    errors: FieldError[],
  ) {
    const building = await buildingForAdmin(app.db, actorOf(request), buildingId);
    const { q, page } = listArgs(request.query as ListQuery);
    const list = await listUnits(app.db, building.id, q, page);
    return reply.page('places/units.njk', { building, list, q, values, errors, saved: isSaved(request) });
  }

  app.get(
    '/admin/buildings/:id/units',
    { preHandler: placeStaff, schema: { params: IdParams, querystring: ListQuery } },
    async (request, reply) => {
      return renderUnits(request, reply, request.params.id, { unitEntrance: '1' }, []);
    },
  );

  app.post(
    '/admin/buildings/:id/units',
    { preHandler: placeStaff, schema: { params: IdParams } },
    formHandler({
      schema: UnitForm,
      load: (request) => buildingForAdmin(app.db, actorOf(request), (request.params as { id: number }).id),
      act: async ({ request, value }, building) => {
        await inTransaction(app.db, (tx) => createUnit(tx, changedBy(app, request), building.id, value));
        return saved(`/admin/buildings/${building.id}/units`);
      },
      render: ({ request, reply, raw }, errors, building) => renderUnits(request, reply, building!.id, raw, errors),
    }),
  );

  async function renderUnit(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    values: Values | null,
    errors: FieldError[],
  ) {
    const unit = await unitForAdmin(app.db, actorOf(request), id);
    return reply.page('places/unit.njk', {
      unit,
      values: values ?? {
        unitEntrance: unit.entrance,
        unitRoom: unit.room,
        unitFloor: String(unit.floor),
        unitArea: formatArea(unit.areaCentiM2),
      },
      errors,
      saved: isSaved(request),
    });
  }

  app.get(
    '/admin/units/:id',
    { preHandler: placeStaff, schema: { params: IdParams, querystring: ListQuery } },
    async (request, reply) => {
      return renderUnit(request, reply, request.params.id, null, []);
    },
  );

  app.post(
    '/admin/units/:id',
    { preHandler: placeStaff, schema: { params: IdParams } },
    formHandler({
      schema: UnitForm,
      load: (request) => unitForAdmin(app.db, actorOf(request), (request.params as { id: number }).id),
      act: async ({ request, value }, unit) => {
        await inTransaction(app.db, async (tx) => {
          // while owners vote, the unit's area and place stay as the electorate snapshot has them
          const [lock] = (await options.unitsLockedByOpenVotes?.(tx, [unit.id])) ?? [];
          if (lock) {
            throw new Conflict('places.errors.unitInOpenVote', {
              title: lock.title,
              closesAt: lock.closesAt ? formatShanghai(lock.closesAt, 'zh-CN') : '',
            });
          }
          await updateUnit(tx, changedBy(app, request), unit.id, value);
        });
        return saved(`/admin/units/${unit.id}`);
      },
      render: ({ request, reply, raw }, errors, unit) => renderUnit(request, reply, unit!.id, raw, errors),
    }),
  );
}

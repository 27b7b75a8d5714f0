import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, requireRole } from '../auth/guards.ts';
import { fieldFiles, fieldText } from '../../plugins/uploads.ts';
import { NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { getRoster, getUnitForEdit, importRoster, mayManageRoster, ownersText, rosterTemplateCsv, saveUnit, type ImportResult, type UnitEditInput } from './service.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });

export default async function rosterRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const keepers = requireRole('committee', 'property');

  async function renderRoster(request: FastifyRequest, reply: FastifyReply, estateId: number | undefined, extra: Record<string, unknown> = {}) {
    const roster = await getRoster(app.db, actorOf(request), estateId);
    const query = request.query as Record<string, string | undefined>;
    return reply.page('roster/index.njk', { ...roster, imported: null, importErrors: [], fileError: null, saved: query.saved === '1', ...extra });
  }

  app.get('/roster', { preHandler: keepers, schema: { querystring: Type.Object({ estate: Type.Optional(Id), saved: Type.Optional(Type.String({ maxLength: 2 })) }) } }, async (request, reply) => {
    return renderRoster(request, reply, request.query.estate);
  });

  app.get('/roster/template.csv', { preHandler: keepers }, async (_request, reply) => {
    return reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="roster-template.csv"; filename*=UTF-8''${encodeURIComponent('业主名册模板.csv')}`)
      .send(rosterTemplateCsv());
  });

  app.post('/roster/import', { preHandler: keepers }, async (request, reply) => {
    const actor = actorOf(request);
    const estateText = fieldText(request.body, 'estateId');
    const estateId = /^\d{1,9}$/.test(estateText) ? Number(estateText) : actor.estateIds[0];
    if (estateId === undefined || !mayManageRoster(actor, estateId)) throw new NotFound();
    const [file] = fieldFiles(request.body, 'file');
    let result: ImportResult | null = null;
    let fileError: FieldError | null = null;
    if (!file) fileError = { field: 'rosterFile', code: 'required' };
    else if (file.truncated) fileError = { field: 'rosterFile', code: 'file_too_large', params: { name: file.filename, maxMb: Math.round(app.config.uploadMaxBytes / 1048576) } };
    else result = await importRoster(app.db, actor, estateId, file.data);
    if (fileError || (result && !result.ok)) reply.code(400);
    return renderRoster(request, reply, estateId, {
      imported: result && result.ok ? result : null,
      importErrors: result && !result.ok ? result.errors : [],
      fileError,
    });
  });

  async function renderUnit(request: FastifyRequest, reply: FastifyReply, unitId: number, values: UnitEditInput | null, errors: FieldError[]) {
    const unit = await getUnitForEdit(app.db, actorOf(request), unitId);
    return reply.page('roster/unit.njk', {
      unit,
      errors,
      values: values ?? {
        area: (unit.areaCentiM2 / 100).toFixed(2),
        floor: String(unit.floor),
        developerUnsold: unit.developerUnsold,
        owners: ownersText(unit.owners),
      },
    });
  }

  app.get('/roster/units/:id', { preHandler: keepers, schema: { params: Type.Object({ id: Id }) } }, async (request, reply) => {
    return renderUnit(request, reply, request.params.id, null, []);
  });

  app.post(
    '/roster/units/:id',
    {
      preHandler: keepers,
      schema: {
        params: Type.Object({ id: Id }),
        body: Type.Object({
          _csrf: Type.Optional(Type.String()),
          area: Type.Optional(Type.String({ maxLength: 40 })),
          floor: Type.Optional(Type.String({ maxLength: 10 })),
          developerUnsold: Type.Optional(Type.String({ maxLength: 5 })),
          owners: Type.Optional(Type.String({ maxLength: 4000 })),
        }),
      },
    },
    async (request, reply) => {
      const input: UnitEditInput = {
        area: request.body.area ?? '',
        floor: request.body.floor ?? '',
        developerUnsold: request.body.developerUnsold === '1',
        owners: request.body.owners ?? '',
      };
      try {
        const { estateId } = await saveUnit(app.db, actorOf(request), request.params.id, input);
        return reply.redirect(`/roster?estate=${estateId}&saved=1`, 303);
      } catch (error) {
        if (error instanceof ValidationFailed) {
          reply.code(400);
          return renderUnit(request, reply, request.params.id, input, error.errors);
        }
        throw error;
      }
    },
  );
}

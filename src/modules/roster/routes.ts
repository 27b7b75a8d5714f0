import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf, requireRole } from '../../lib/guards.ts';
import { inTransaction } from '../../plugins/db.ts';
import { BadRequest, NotFound, type FieldError } from '../../errors.ts';
import { errorsAs, formHandler, readForm, validateFields } from '../../lib/form.ts';
import { parseRosterCsv, type RosterError } from '../../domain/roster-csv.ts';
import { getRoster, getUnitForEdit, mayManageRoster, ownersText, rosterTemplateCsv } from './queries.ts';
import { importRoster, saveUnit, type ImportSummary, type UnitEditInput } from './commands.ts';
import { IdParams, ImportForm, RosterQuery, UNIT_FIELDS, UnitForm } from './schemas.ts';
import { RosterLockedByVote, type LockingVote, type UnitsLockedByOpenVotes } from './vote-lock.ts';

interface ImportOutcome {
  imported?: ImportSummary;
  importErrors?: RosterError[];
  fileError?: FieldError;
  /** The open votes whose units the file touched: nothing was imported. */
  lockedBy?: LockingVote[];
}

export interface RosterRoutesOptions {
  /** Which units are in an open vote's electorate: the votes module's read, handed in by the app (votes
   * reads the roster, so the roster does not import votes back). */
  unitsLockedByOpenVotes: UnitsLockedByOpenVotes;
}

export default async function rosterRoutes(fastify: FastifyInstance, { unitsLockedByOpenVotes: locks }: RosterRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const keepers = requireRole('committee', 'property');

  async function renderRoster(
    request: FastifyRequest,
    reply: FastifyReply,
    estateId: number | undefined,
    outcome: ImportOutcome = {},
  ) {
    const roster = await getRoster(app.db, actorOf(request), estateId);
    const unitIds = roster.buildings.flatMap((b) => b.units.map((u) => u.id));
    const votingUnits = new Set((await locks(app.db, unitIds)).map((l) => l.unitId));
    const query = request.query as Record<string, string | undefined>;
    const { imported = null, importErrors = [], fileError = null, lockedBy = [] } = outcome;
    return reply.page('roster/index.njk', {
      ...roster,
      imported,
      importErrors,
      fileError,
      lockedBy,
      votingUnits: [...votingUnits],
      saved: query.saved === '1',
    });
  }

  app.get('/roster', { preHandler: keepers, schema: { querystring: RosterQuery } }, async (request, reply) => {
    return renderRoster(request, reply, request.query.estate);
  });

  app.get('/roster/template.csv', { preHandler: keepers }, async (_request, reply) => {
    return reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header(
        'Content-Disposition',
        `attachment; filename="roster-template.csv"; filename*=UTF-8''${encodeURIComponent('业主名册模板.csv')}`,
      )
      .send(rosterTemplateCsv());
  });

  /** Reads the import form and its file; says what is wrong with the file, or returns its rows. */
  function readImport(request: FastifyRequest) {
    const actor = actorOf(request);
    const { fields, files } = readForm(request.body);
    const checked = validateFields(ImportForm, fields);
    if (!checked.ok) throw new BadRequest();
    const estateId = checked.value.estateId === '' ? actor.estateIds[0] : Number(checked.value.estateId);
    if (estateId === undefined || !mayManageRoster(actor, estateId)) throw new NotFound();
    const file = files.file?.[0];
    const maxMb = Math.round(app.config.uploadMaxBytes / 1048576);
    if (!file) return { estateId, fileError: { field: 'rosterFile', code: 'required' } };
    if (file.truncated)
      return { estateId, fileError: { field: 'rosterFile', code: 'file_too_large', params: { name: file.filename, maxMb } } };
    return { estateId, fileName: file.filename, parsed: parseRosterCsv(file.data) };
  }

  // The import answers with the roster page itself (what was imported, or every bad row), not a redirect.
  app.post('/roster/import', { preHandler: keepers }, async (request, reply) => {
    const { estateId, fileError, fileName = '', parsed } = readImport(request);
    if (fileError || !parsed?.ok) {
      reply.code(400);
      return renderRoster(request, reply, estateId, { fileError, importErrors: parsed && !parsed.ok ? parsed.errors : [] });
    }
    const actor = actorOf(request);
    const upload = { fileName, rows: parsed.rows };
    try {
      const imported = await inTransaction(
        app.db,
        (tx) => importRoster(tx, actor, estateId, upload, app.now(), { ip: request.ip }, locks),
        { timeout: 60_000 },
      );
      return await renderRoster(request, reply, estateId, { imported });
    } catch (error) {
      if (!(error instanceof RosterLockedByVote)) throw error;
      reply.code(409);
      return renderRoster(request, reply, estateId, { lockedBy: error.votes });
    }
  });

  async function renderUnit(
    request: FastifyRequest,
    reply: FastifyReply,
    unitId: number,
    values: UnitEditInput | null,
    errors: FieldError[],
  ) {
    const unit = await getUnitForEdit(app.db, actorOf(request), unitId);
    const initial = {
      area: (unit.areaCentiM2 / 100).toFixed(2),
      floor: String(unit.floor),
      developerUnsold: unit.developerUnsold,
      owners: ownersText(unit.owners),
    };
    // Said before anyone types: while a vote counts this unit, the form is not offered.
    const [lock] = await locks(app.db, [unit.id]);
    const lockedBy = lock ? { title: lock.title, closesAt: lock.closesAt } : null;
    return reply.page('roster/unit.njk', { unit, errors, lockedBy, values: values ?? initial });
  }

  app.get('/roster/units/:id', { preHandler: keepers, schema: { params: IdParams } }, async (request, reply) => {
    return renderUnit(request, reply, request.params.id, null, []);
  });

  const unitInput = (v: Partial<Record<keyof typeof UNIT_FIELDS, unknown>>): UnitEditInput => ({
    area: String(v.area ?? ''),
    floor: String(v.floor ?? ''),
    developerUnsold: v.developerUnsold === '1',
    owners: String(v.owners ?? ''),
  });

  app.post(
    '/roster/units/:id',
    { preHandler: keepers, schema: { params: IdParams } },
    formHandler({
      schema: UnitForm,
      load: (request) => getUnitForEdit(app.db, actorOf(request), (request.params as { id: number }).id),
      act: async ({ request, value }, unit) => {
        const ctx = { ip: request.ip };
        const { estateId } = await inTransaction(app.db, (tx) =>
          saveUnit(tx, actorOf(request), unit.id, unitInput(value), app.now(), ctx, locks),
        );
        return `/roster?estate=${estateId}&saved=1`;
      },
      render: ({ request, reply, raw }, errors, unit) =>
        renderUnit(request, reply, unit?.id ?? 0, unitInput(raw), errorsAs(errors, UNIT_FIELDS)),
      // A vote opened on this unit (the only Conflict saveUnit throws): the page says which, nothing saved.
      conflict: ({ request, reply, value }, error, unit) => {
        if (!(error instanceof RosterLockedByVote)) throw error;
        return renderUnit(request, reply, unit.id, unitInput(value), []);
      },
    }),
  );
}

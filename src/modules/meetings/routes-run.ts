import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { inTransaction, type DbTx } from '../../plugins/db.ts';
import { errorsAs, formHandler, refuseForm } from '../../lib/form.ts';
import { actorOf, requireActor, requireRole } from '../../lib/guards.ts';
import type { Actor } from '../../actor.ts';
import {
  ActionItemFields,
  ActionParams,
  ApplyFields,
  AttendanceFields,
  DecisionFields,
  FreeItemFields,
  ItemParams,
  MeetingParams,
  MoveFields,
  NoFields,
  manyValues,
} from './schemas.ts';
import { addActionItem, addFreeItem, completeActionItem, moveAgendaItem, refreshAgenda, removeFreeItem } from './commands.ts';
import { applyMinutes, recordAttendance, recordDecision } from './minutes.ts';
import { paramsOf, renderShow } from './pages.ts';
import { renderConfirmApply } from './pages-confirm.ts';
import type { AuditContext } from './audit.ts';

/** Running a meeting: its agenda, attendance and minutes, decisions, applying them, and action items. */
export default async function meetingRunRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const staffOnly = requireRole('community');
  const meeting = { preHandler: staffOnly, schema: { params: MeetingParams } };
  const item = { preHandler: staffOnly, schema: { params: ItemParams } };
  const meetingIds = paramsOf(MeetingParams);
  const itemIds = paramsOf(ItemParams);
  const actionIds = paramsOf(ActionParams);
  /**
   * Runs one command in one transaction, as the request's signed-in actor, at the app's "now"; the
   * commands that are audited also take where the request came from.
   */
  const run = <T>(request: FastifyRequest, command: (tx: DbTx, actor: Actor, now: Date, ctx: AuditContext) => Promise<T>) =>
    inTransaction(app.db, (tx) => command(tx, actorOf(request), app.now(), { ip: request.ip }));

  // ───────────── agenda ─────────────

  app.post(
    '/meetings/:id/agenda/refresh',
    meeting,
    formHandler({
      schema: NoFields,
      load: meetingIds,
      act: async ({ request }, { id }) => {
        await run(request, (tx, actor, now) => refreshAgenda(tx, actor, id, now));
        return `/meetings/${id}#agenda`;
      },
      render: refuseForm,
    }),
  );

  app.post(
    '/meetings/:id/agenda',
    meeting,
    formHandler({
      schema: FreeItemFields,
      load: meetingIds,
      act: async ({ request, value }, { id }) => {
        await run(request, (tx, actor, now) => addFreeItem(tx, actor, id, value.title, now));
        return `/meetings/${id}#agenda`;
      },
      render: ({ request, reply, raw }, errors, ids) =>
        renderShow(request, reply, ids.id, {
          errors: errorsAs(errors, { title: 'agendaTitle' }),
          errorTarget: 'agenda',
          values: { agendaTitle: raw.title },
        }),
    }),
  );

  app.post(
    '/meetings/:id/agenda/:itemId/move',
    item,
    formHandler({
      schema: MoveFields,
      load: itemIds,
      act: async ({ request, value }, { id, itemId }) => {
        await run(request, (tx, actor, now) => moveAgendaItem(tx, actor, id, itemId, value.direction, now));
        return `/meetings/${id}#item-${itemId}`;
      },
      render: refuseForm,
    }),
  );

  app.post(
    '/meetings/:id/agenda/:itemId/delete',
    item,
    formHandler({
      schema: NoFields,
      load: itemIds,
      act: async ({ request }, { id, itemId }) => {
        await run(request, (tx, actor, now) => removeFreeItem(tx, actor, id, itemId, now));
        return `/meetings/${id}#agenda`;
      },
      render: refuseForm,
    }),
  );

  // ───────────── holding ─────────────

  app.post(
    '/meetings/:id/attendance',
    meeting,
    formHandler({
      schema: AttendanceFields,
      load: meetingIds,
      act: async ({ request, value }, { id }) => {
        const input = { attended: manyValues(value.attended), minutes: value.minutes, reason: value.reason };
        await run(request, (tx, actor, now, ctx) => recordAttendance(tx, actor, id, input, now, ctx));
        return `/meetings/${id}?held=1#attendance`;
      },
      render: ({ request, reply, raw }, errors, ids) =>
        renderShow(request, reply, ids.id, {
          errors: errorsAs(errors, { minutes: 'meetingMinutes', attended: 'meetingParticipants', reason: 'attendanceReason' }),
          errorTarget: 'attendance',
          values: { minutes: raw.minutes, attended: manyValues(raw.attended), reason: raw.reason },
        }),
    }),
  );

  app.post(
    '/meetings/:id/agenda/:itemId/decision',
    item,
    formHandler({
      schema: DecisionFields,
      load: itemIds,
      act: async ({ request, value }, { id, itemId }) => {
        await run(request, (tx, actor, now, ctx) => recordDecision(tx, actor, id, itemId, value, now, ctx));
        return `/meetings/${id}?saved=1#item-${itemId}`;
      },
      render: ({ request, reply, raw }, errors, ids) =>
        renderShow(request, reply, ids.id, {
          errors: errorsAs(errors, {
            kind: 'decisionKind',
            party: 'decisionParty',
            dueAt: 'decisionDueAt',
            reason: 'decisionReason',
            amount: 'decisionAmount',
          }),
          errorTarget: `decision-${ids.itemId}`,
          values: raw,
        }),
    }),
  );

  // Applying the minutes asks first: this page says which decisions apply to which issues, or that they
  // will be held and why; its form posts the application (with the reason held decisions then need).
  app.get('/meetings/:id/apply', meeting, async (request, reply) => renderConfirmApply(request, reply, request.params.id));

  app.post(
    '/meetings/:id/apply',
    meeting,
    formHandler({
      schema: ApplyFields,
      load: meetingIds,
      act: async ({ request, value }, { id }) => {
        const outcome = await run(request, (tx, actor, now, ctx) =>
          applyMinutes(tx, actor, id, now, ctx, { reason: value.reason }),
        );
        return `/meetings/${id}?${outcome.status === 'applied' ? 'applied' : 'withheld'}=1#apply`;
      },
      render: ({ request, reply, raw }, errors, ids) =>
        renderConfirmApply(request, reply, ids.id, { errors, reason: typeof raw.reason === 'string' ? raw.reason : '' }),
    }),
  );

  // ───────────── action items ─────────────

  app.post(
    '/meetings/:id/actions',
    meeting,
    formHandler({
      schema: ActionItemFields,
      load: meetingIds,
      act: async ({ request, value }, { id }) => {
        await run(request, (tx, actor, now) => addActionItem(tx, actor, id, value, now));
        return `/meetings/${id}#actions`;
      },
      render: ({ request, reply, raw }, errors, ids) =>
        renderShow(request, reply, ids.id, {
          errors: errorsAs(errors, { ownerId: 'actionOwner', title: 'actionTitle', dueAt: 'actionDueAt' }),
          errorTarget: 'action',
          values: raw,
        }),
    }),
  );

  app.post(
    '/meetings/:id/actions/:actionId/done',
    { preHandler: requireActor, schema: { params: ActionParams } },
    formHandler({
      schema: NoFields,
      load: actionIds,
      act: async ({ request }, { id, actionId }) => {
        await run(request, (tx, actor, now) => completeActionItem(tx, actor, id, actionId, now));
        return `/meetings/${id}#actions`;
      },
      render: refuseForm,
    }),
  );
}

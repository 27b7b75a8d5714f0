import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { inTransaction, type DbTx } from '../../plugins/db.ts';
import type { Actor } from '../../actor.ts';
import { formHandler, readForm, refuseForm, validateFields } from '../../lib/form.ts';
import { formatShanghaiLocal } from '../../domain/deadlines.ts';
import { meetingTransition, type MeetingStatus } from '../../domain/meeting-status.ts';
import { calendarTokenOf } from '../auth/index.ts';
import { actorOf, requireActor, requireRole } from '../../lib/guards.ts';
import { FeedParams, ListQuery, MeetingFields, MeetingParams, NewMeetingQuery, NoFields, ShowQuery } from './schemas.ts';
import { cancelMeeting, conveneMeeting, updateMeeting } from './commands.ts';
import { convenableEstates, getMeetingForActor, listMeetings } from './queries.ts';
import { canManage } from './scope.ts';
import { feedCalendar, meetingCalendar, revokeCalendarToken, rotateCalendarToken } from './calendar.ts';
import { baseUrl, formFrom, paramsOf, renderForm, renderShow } from './pages.ts';
import { renderConfirmCancel, renderMinutes } from './pages-confirm.ts';
import meetingRunRoutes from './routes-run.ts';
import meetingPrintRoutes from './routes-print.ts';

/** Convening, listing, showing and editing meetings, and the calendar feeds; running one is routes-run.ts. */
export default async function meetingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const staffOnly = requireRole('community');
  const meetingIds = paramsOf(MeetingParams);

  app.get('/meetings', { preHandler: requireActor, schema: { querystring: ListQuery } }, async (request, reply) => {
    const actor = actorOf(request);
    const result = await listMeetings(app.db, actor, { estateId: request.query.estate, now: app.now() });
    return reply.page('meetings/index.njk', {
      ...result,
      estateId: request.query.estate ?? '',
      canConvene: actor.role === 'community',
    });
  });

  app.get('/meetings/new', { preHandler: staffOnly, schema: { querystring: NewMeetingQuery } }, async (request, reply) => {
    const actor = actorOf(request);
    const estates = await convenableEstates(app.db, actor);
    const asked = request.query.estate === undefined ? [] : [request.query.estate].flat();
    // Most meetings concern one estate: the first is preselected; the form can add others.
    const estateIds = (asked.length > 0 ? asked : estates.slice(0, 1).map((e) => e.id)).map(String);
    return renderForm(request, reply, {
      mode: 'new',
      values: {
        kind: 'regular',
        title: '',
        place: '',
        startsAt: '',
        endsAt: '',
        estateIds,
        participantIds: [String(actor.userId)],
      },
      errors: [],
    });
  });

  const convene = formHandler({
    schema: MeetingFields,
    act: async ({ request, value }) => {
      const ctx = { ip: request.ip };
      const result = await inTransaction(app.db, (tx) => conveneMeeting(tx, actorOf(request), formFrom(value), app.now(), ctx));
      return `/meetings/${result.meetingId}?created=1`;
    },
    render: ({ request, reply, raw }, errors) => renderForm(request, reply, { mode: 'new', values: formFrom(raw), errors }),
  });
  app.post('/meetings', { preHandler: staffOnly }, async (request, reply) => {
    // "Show candidates" re-renders the form for the estates chosen so far and saves nothing.
    const checked = validateFields(MeetingFields, readForm(request.body).fields);
    if (checked.ok && checked.value.refresh)
      return renderForm(request, reply, { mode: 'new', values: formFrom(checked.value), errors: [] });
    return convene(request, reply);
  });

  // ───────────── calendar feed management (before /meetings/:id so the static path wins) ─────────────

  app.get('/meetings/calendar', { preHandler: requireActor }, async (request, reply) => {
    const token = await calendarTokenOf(app.db, actorOf(request).userId);
    return reply.page('meetings/calendar.njk', { feedUrl: token ? `${baseUrl(request)}/calendar/${token}.ics` : null });
  });

  const calendarForm = (change: (tx: DbTx, actor: Actor) => Promise<unknown>) =>
    formHandler({
      schema: NoFields,
      act: async ({ request }) => {
        await inTransaction(app.db, (tx) => change(tx, actorOf(request)));
        return '/meetings/calendar';
      },
      render: refuseForm,
    });
  app.post('/meetings/calendar/token', { preHandler: requireActor }, calendarForm(rotateCalendarToken));
  app.post('/meetings/calendar/revoke', { preHandler: requireActor }, calendarForm(revokeCalendarToken));

  app.get('/calendar/:token.ics', { schema: { params: FeedParams } }, async (request, reply) => {
    const text = await feedCalendar(app.db, request.params.token, baseUrl(request), app.now());
    return reply
      .type('text/calendar; charset=utf-8')
      .header('cache-control', 'private, max-age=300')
      .header('content-disposition', 'inline; filename="sanfang-meetings.ics"')
      .send(text);
  });

  // ───────────── one meeting ─────────────

  app.get(
    '/meetings/:id',
    { preHandler: requireActor, schema: { params: MeetingParams, querystring: ShowQuery } },
    async (request, reply) => {
      return renderShow(request, reply, request.params.id);
    },
  );

  app.get('/meetings/:id.ics', { preHandler: requireActor, schema: { params: MeetingParams } }, async (request, reply) => {
    const meeting = await getMeetingForActor(app.db, actorOf(request), request.params.id);
    const text = await meetingCalendar(app.db, meeting.id, baseUrl(request), request.locale, app.now());
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `attachment; filename="meeting-${meeting.id}.ics"`)
      .send(text);
  });

  app.get('/meetings/:id/edit', { preHandler: staffOnly, schema: { params: MeetingParams } }, async (request, reply) => {
    const actor = actorOf(request);
    const meeting = await getMeetingForActor(app.db, actor, request.params.id);
    const editable = meetingTransition({ ...meeting, status: meeting.status as MeetingStatus }, 'edit', app.now()).ok;
    if (!canManage(actor, meeting) || !editable) return reply.redirect(`/meetings/${meeting.id}`, 303);
    const estateIds = meeting.estates.map((e) => e.estateId);
    return renderForm(request, reply, {
      mode: 'edit',
      meetingId: meeting.id,
      fixedEstateIds: estateIds,
      values: {
        kind: meeting.kind,
        title: meeting.title,
        place: meeting.place,
        startsAt: formatShanghaiLocal(meeting.startsAt),
        endsAt: formatShanghaiLocal(meeting.endsAt),
        estateIds: estateIds.map(String),
        participantIds: meeting.participants.map((p) => String(p.userId)),
      },
      errors: [],
    });
  });

  app.post(
    '/meetings/:id',
    { preHandler: staffOnly, schema: { params: MeetingParams } },
    formHandler({
      schema: MeetingFields,
      load: meetingIds,
      act: async ({ request, value }, { id }) => {
        await inTransaction(app.db, (tx) => updateMeeting(tx, actorOf(request), id, formFrom(value), app.now()));
        return `/meetings/${id}?updated=1`;
      },
      render: async ({ request, reply, raw }, errors) => {
        const { id } = await meetingIds(request);
        const meeting = await getMeetingForActor(app.db, actorOf(request), id);
        const fixedEstateIds = meeting.estates.map((e) => e.estateId);
        return renderForm(request, reply, { mode: 'edit', meetingId: id, fixedEstateIds, values: formFrom(raw), errors });
      },
    }),
  );

  // Cancelling asks first: this page says what will happen; its form posts the cancellation.
  app.get('/meetings/:id/cancel', { preHandler: staffOnly, schema: { params: MeetingParams } }, async (request, reply) =>
    renderConfirmCancel(request, reply, request.params.id),
  );

  /** The minutes as a printable page: attendance exactly as recorded, with its history, and the verdicts. */
  app.get('/meetings/:id/minutes', { preHandler: requireActor, schema: { params: MeetingParams } }, async (request, reply) =>
    renderMinutes(request, reply, request.params.id),
  );

  app.post(
    '/meetings/:id/cancel',
    { preHandler: staffOnly, schema: { params: MeetingParams } },
    formHandler({
      schema: NoFields,
      load: meetingIds,
      act: async ({ request }, { id }) => {
        await inTransaction(app.db, (tx) => cancelMeeting(tx, actorOf(request), id, app.now(), { ip: request.ip }));
        return `/meetings/${id}?cancelled=1`;
      },
      render: refuseForm,
    }),
  );

  await app.register(meetingRunRoutes);
  await app.register(meetingPrintRoutes);
}

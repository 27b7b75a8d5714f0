import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Actor } from '../../actor.ts';
import { actorOf, requireActor, requireRole } from '../auth/guards.ts';
import { ValidationFailed, type FieldError } from '../../errors.ts';
import {
  ASSIGNABLE_PARTIES,
  DECISION_KINDS,
  MEETING_KINDS,
  PARTICIPANT_PARTIES,
} from '../../domain/meeting-rules.ts';
import { formatShanghaiLocal } from '../../domain/deadlines.ts';
import {
  ActionItemBody,
  ActionParams,
  AttendanceBody,
  CsrfOnlyBody,
  DecisionBody,
  FeedParams,
  FreeItemBody,
  ItemParams,
  ListQuery,
  MeetingBody,
  MeetingParams,
  MoveBody,
  NewMeetingQuery,
  manyValues,
} from './schemas.ts';
import {
  addActionItem,
  addFreeItem,
  applyMinutes,
  canManage,
  cancelMeeting,
  completeActionItem,
  conveneMeeting,
  convenableEstates,
  doubleBookings,
  getMeetingForActor,
  heldReasonParties,
  listMeetings,
  moveAgendaItem,
  participantCandidates,
  presenceOf,
  recordAttendance,
  recordDecision,
  refreshAgenda,
  removeFreeItem,
  updateMeeting,
  type Candidate,
  type DoubleBookingView,
  type MeetingForm,
} from './service.ts';
import { calendarTokenOf, feedCalendar, meetingCalendar, revokeCalendarToken, rotateCalendarToken } from './calendar.ts';

const staffOnly = requireRole('community');

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function groupByParty(candidates: Candidate[], checked: string[]) {
  return PARTICIPANT_PARTIES.map((party) => {
    const people = candidates.filter((c) => c.party === party);
    return { party, people, anyChecked: people.some((p) => checked.includes(String(p.userId))) };
  }).filter((g) => g.people.length > 0);
}

function formFrom(body: {
  kind?: string;
  title?: string;
  place?: string;
  startsAt?: string;
  endsAt?: string;
  estateIds?: string | string[];
  participantIds?: string | string[];
}): MeetingForm {
  return {
    kind: body.kind ?? '',
    title: body.title ?? '',
    place: body.place ?? '',
    startsAt: body.startsAt ?? '',
    endsAt: body.endsAt ?? '',
    estateIds: manyValues(body.estateIds),
    participantIds: manyValues(body.participantIds),
  };
}

export default async function meetingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // ───────────── convene / edit form ─────────────

  async function renderForm(
    request: FastifyRequest,
    reply: FastifyReply,
    opts: { mode: 'new' | 'edit'; meetingId?: number; values: MeetingForm; errors: FieldError[]; fixedEstateIds?: number[] },
  ) {
    const actor = actorOf(request);
    const estates = await convenableEstates(app.db, actor);
    const allowed = new Set(estates.map((e) => e.id));
    const chosen = (opts.fixedEstateIds ?? opts.values.estateIds.map(Number)).filter((id) => allowed.has(id));
    const candidates = await participantCandidates(app.db, actor.communityId ?? -1, chosen);
    return reply.page('meetings/form.njk', {
      mode: opts.mode,
      meetingId: opts.meetingId,
      estates: opts.mode === 'edit' ? estates.filter((e) => chosen.includes(e.id)) : estates,
      groups: groupByParty(candidates, opts.values.participantIds),
      kinds: MEETING_KINDS,
      values: { ...opts.values, estateIds: chosen.map(String) },
      errors: opts.errors,
    });
  }

  app.get('/meetings', { preHandler: requireActor, schema: { querystring: ListQuery } }, async (request, reply) => {
    const actor = actorOf(request);
    const result = await listMeetings(app.db, actor, { estateId: request.query.estate, now: app.now() });
    return reply.page('meetings/index.njk', { ...result, estateId: request.query.estate ?? '', canConvene: actor.role === 'community' });
  });

  app.get('/meetings/new', { preHandler: staffOnly, schema: { querystring: NewMeetingQuery } }, async (request, reply) => {
    const actor = actorOf(request);
    const estates = await convenableEstates(app.db, actor);
    const asked = request.query.estate === undefined ? [] : Array.isArray(request.query.estate) ? request.query.estate : [request.query.estate];
    // Most meetings concern one estate: the first is preselected; the form can add others.
    const estateIds = (asked.length > 0 ? asked : estates.slice(0, 1).map((e) => e.id)).map(String);
    return renderForm(request, reply, {
      mode: 'new',
      values: { kind: 'regular', title: '', place: '', startsAt: '', endsAt: '', estateIds, participantIds: [String(actor.userId)] },
      errors: [],
    });
  });

  app.post('/meetings', { preHandler: staffOnly, schema: { body: MeetingBody } }, async (request, reply) => {
    const actor = actorOf(request);
    const values = formFrom(request.body);
    if (request.body.refresh) return renderForm(request, reply, { mode: 'new', values, errors: [] });
    try {
      const result = await conveneMeeting(app.db, actor, values, app.now());
      return reply.redirect(`/meetings/${result.meetingId}?created=1`, 303);
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      reply.code(400);
      return renderForm(request, reply, { mode: 'new', values, errors: error.errors });
    }
  });

  // ───────────── calendar feed management (before /meetings/:id so the static path wins) ─────────────

  app.get('/meetings/calendar', { preHandler: requireActor }, async (request, reply) => {
    const token = await calendarTokenOf(app.db, actorOf(request));
    return reply.page('meetings/calendar.njk', { feedUrl: token ? `${baseUrl(request)}/calendar/${token}.ics` : null });
  });

  app.post('/meetings/calendar/token', { preHandler: requireActor, schema: { body: CsrfOnlyBody } }, async (request, reply) => {
    await rotateCalendarToken(app.db, actorOf(request));
    return reply.redirect('/meetings/calendar', 303);
  });

  app.post('/meetings/calendar/revoke', { preHandler: requireActor, schema: { body: CsrfOnlyBody } }, async (request, reply) => {
    await revokeCalendarToken(app.db, actorOf(request));
    return reply.redirect('/meetings/calendar', 303);
  });

  app.get('/calendar/:token.ics', { schema: { params: FeedParams } }, async (request, reply) => {
    const text = await feedCalendar(app.db, request.params.token, baseUrl(request), app.now());
    return reply
      .type('text/calendar; charset=utf-8')
      .header('cache-control', 'private, max-age=300')
      .header('content-disposition', 'inline; filename="sanfang-meetings.ics"')
      .send(text);
  });

  // ───────────── one meeting ─────────────

  async function renderShow(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    extra: { errors?: FieldError[]; errorTarget?: string; values?: Record<string, unknown> } = {},
  ) {
    const actor = actorOf(request);
    const meeting = await getMeetingForActor(app.db, actor, id);
    const manage = canManage(actor, meeting);
    const now = app.now();
    let warnings: DoubleBookingView[] = [];
    // Double-booking names people and other meetings (possibly of other estates): for the convener only.
    if (manage && meeting.status === 'scheduled') {
      warnings = await doubleBookings(app.db, meeting, meeting.participants.map((p) => p.userId));
    }
    const query = request.query as Record<string, string | undefined>;
    const presence = presenceOf(meeting);
    const partyNames = (parties: string[]) => parties.map((p) => request.t(`meetings.party.${p}`)).join('、');
    return reply.page('meetings/show.njk', {
      meeting,
      manage,
      presence,
      presenceMissing: partyNames(presence.missing),
      heldMissing: partyNames(heldReasonParties(meeting.heldDecisionsReason)),
      warnings,
      decisionKinds: DECISION_KINDS,
      assignable: ASSIGNABLE_PARTIES,
      overdueIds: meeting.actionItems.filter((a) => a.doneAt === null && a.dueAt < now).map((a) => a.id),
      mine: (a: { ownerId: number }) => a.ownerId === actor.userId,
      flash: ['created', 'updated', 'held', 'applied', 'withheld', 'cancelled', 'saved'].find((k) => query[k] === '1') ?? null,
      errors: extra.errors ?? [],
      errorTarget: extra.errorTarget ?? '',
      values: extra.values ?? {},
    });
  }

  /** Runs a service call; a ValidationFailed re-renders the meeting page with the errors at `target`. */
  async function act(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    target: string,
    values: Record<string, unknown>,
    run: (actor: Actor) => Promise<unknown>,
    redirect: string,
  ) {
    try {
      await run(actorOf(request));
      return reply.redirect(redirect, 303);
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      reply.code(400);
      return renderShow(request, reply, id, { errors: error.errors, errorTarget: target, values });
    }
  }

  app.get('/meetings/:id', { preHandler: requireActor, schema: { params: MeetingParams } }, async (request, reply) => {
    return renderShow(request, reply, request.params.id);
  });

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
    if (!canManage(actor, meeting) || meeting.status !== 'scheduled') return reply.redirect(`/meetings/${meeting.id}`, 303);
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

  app.post('/meetings/:id', { preHandler: staffOnly, schema: { params: MeetingParams, body: MeetingBody } }, async (request, reply) => {
    const actor = actorOf(request);
    const id = request.params.id;
    const values = formFrom(request.body);
    try {
      await updateMeeting(app.db, actor, id, values, app.now());
      return reply.redirect(`/meetings/${id}?updated=1`, 303);
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      const meeting = await getMeetingForActor(app.db, actor, id);
      reply.code(400);
      return renderForm(request, reply, {
        mode: 'edit',
        meetingId: id,
        fixedEstateIds: meeting.estates.map((e) => e.estateId),
        values,
        errors: error.errors,
      });
    }
  });

  app.post('/meetings/:id/cancel', { preHandler: staffOnly, schema: { params: MeetingParams, body: CsrfOnlyBody } }, async (request, reply) => {
    await cancelMeeting(app.db, actorOf(request), request.params.id, app.now());
    return reply.redirect(`/meetings/${request.params.id}?cancelled=1`, 303);
  });

  // ───────────── agenda ─────────────

  app.post('/meetings/:id/agenda/refresh', { preHandler: staffOnly, schema: { params: MeetingParams, body: CsrfOnlyBody } }, async (request, reply) => {
    await refreshAgenda(app.db, actorOf(request), request.params.id);
    return reply.redirect(`/meetings/${request.params.id}#agenda`, 303);
  });

  app.post('/meetings/:id/agenda', { preHandler: staffOnly, schema: { params: MeetingParams, body: FreeItemBody } }, async (request, reply) => {
    const { id } = request.params;
    const title = request.body.title ?? '';
    return act(request, reply, id, 'agenda', { agendaTitle: title }, (actor) => addFreeItem(app.db, actor, id, title), `/meetings/${id}#agenda`);
  });

  app.post('/meetings/:id/agenda/:itemId/move', { preHandler: staffOnly, schema: { params: ItemParams, body: MoveBody } }, async (request, reply) => {
    const { id, itemId } = request.params;
    await moveAgendaItem(app.db, actorOf(request), id, itemId, request.body.direction);
    return reply.redirect(`/meetings/${id}#item-${itemId}`, 303);
  });

  app.post('/meetings/:id/agenda/:itemId/delete', { preHandler: staffOnly, schema: { params: ItemParams, body: CsrfOnlyBody } }, async (request, reply) => {
    const { id, itemId } = request.params;
    await removeFreeItem(app.db, actorOf(request), id, itemId);
    return reply.redirect(`/meetings/${id}#agenda`, 303);
  });

  // ───────────── holding ─────────────

  app.post('/meetings/:id/attendance', { preHandler: staffOnly, schema: { params: MeetingParams, body: AttendanceBody } }, async (request, reply) => {
    const { id } = request.params;
    const input = { attended: manyValues(request.body.attended), minutes: request.body.minutes ?? '' };
    return act(request, reply, id, 'attendance', { minutes: input.minutes }, (actor) => recordAttendance(app.db, actor, id, input, app.now()), `/meetings/${id}?held=1#attendance`);
  });

  app.post('/meetings/:id/agenda/:itemId/decision', { preHandler: staffOnly, schema: { params: ItemParams, body: DecisionBody } }, async (request, reply) => {
    const { id, itemId } = request.params;
    const b = request.body;
    const form = { kind: b.kind ?? '', party: b.party ?? '', dueAt: b.dueAt ?? '', reason: b.reason ?? '', amount: b.amount ?? '' };
    return act(request, reply, id, `decision-${itemId}`, form, (actor) => recordDecision(app.db, actor, id, itemId, form, app.now()), `/meetings/${id}?saved=1#item-${itemId}`);
  });

  app.post('/meetings/:id/apply', { preHandler: staffOnly, schema: { params: MeetingParams, body: CsrfOnlyBody } }, async (request, reply) => {
    const { id } = request.params;
    const outcome = await applyMinutes(app.db, actorOf(request), id, app.now());
    return reply.redirect(`/meetings/${id}?${outcome.status === 'applied' ? 'applied' : 'withheld'}=1#apply`, 303);
  });

  // ───────────── action items ─────────────

  app.post('/meetings/:id/actions', { preHandler: staffOnly, schema: { params: MeetingParams, body: ActionItemBody } }, async (request, reply) => {
    const { id } = request.params;
    const form = { ownerId: request.body.ownerId ?? '', title: request.body.title ?? '', dueAt: request.body.dueAt ?? '' };
    return act(request, reply, id, 'action', { ...form }, (actor) => addActionItem(app.db, actor, id, form, app.now()), `/meetings/${id}#actions`);
  });

  app.post('/meetings/:id/actions/:actionId/done', { preHandler: requireActor, schema: { params: ActionParams, body: CsrfOnlyBody } }, async (request, reply) => {
    const { id, actionId } = request.params;
    await completeActionItem(app.db, actorOf(request), id, actionId, app.now());
    return reply.redirect(`/meetings/${id}#actions`, 303);
  });
}

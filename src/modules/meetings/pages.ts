import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Static, TSchema } from '@sinclair/typebox';
import type { FieldError } from '../../errors.ts';
import { errorsAs } from '../../lib/form.ts';
import { ASSIGNABLE_PARTIES, MEETING_KINDS, PARTICIPANT_PARTIES, allThreePartiesPresent } from '../../domain/meeting-rules.ts';
import { DECISION_KINDS } from '../../domain/meeting-decisions.ts';
import { heldMissingParties } from '../../domain/meeting-status.ts';
import { actorOf } from '../../lib/guards.ts';
import type { MeetingForm } from './meeting-form.ts';
import {
  convenableEstates,
  doubleBookings,
  getMeetingForActor,
  participantCandidates,
  type Candidate,
  type DoubleBookingView,
} from './queries.ts';
import { canManage } from './scope.ts';
import { meetingRecord } from './record.ts';
import { FLASHES, manyValues } from './schemas.ts';

/** The two meeting pages a form comes back to with its errors (400): the convene / edit form and the meeting. */

export function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** The route's params, already checked by its schema: the `load` step of a form. */
export const paramsOf =
  <T extends TSchema>(_schema: T) =>
  async (request: FastifyRequest) =>
    request.params as Static<T>;

const text = (value: string | string[] | undefined) => (typeof value === 'string' ? value : '');

export function formFrom(fields: Readonly<Record<string, string | string[] | undefined>>): MeetingForm {
  return {
    kind: text(fields.kind),
    title: text(fields.title),
    place: text(fields.place),
    startsAt: text(fields.startsAt),
    endsAt: text(fields.endsAt),
    estateIds: manyValues(fields.estateIds),
    participantIds: manyValues(fields.participantIds),
  };
}

const MEETING_FORM_FIELDS = {
  kind: 'meetingKind',
  title: 'meetingTitle',
  place: 'meetingPlace',
  startsAt: 'meetingStartsAt',
  endsAt: 'meetingEndsAt',
  estateIds: 'meetingEstates',
  participantIds: 'meetingParticipants',
} as const;

function groupByParty(candidates: Candidate[], checked: string[]) {
  return PARTICIPANT_PARTIES.map((party) => {
    const people = candidates.filter((c) => c.party === party);
    return { party, people, anyChecked: people.some((p) => checked.includes(String(p.userId))) };
  }).filter((g) => g.people.length > 0);
}

export async function renderForm(
  request: FastifyRequest,
  reply: FastifyReply,
  opts: { mode: 'new' | 'edit'; meetingId?: number; values: MeetingForm; errors: FieldError[]; fixedEstateIds?: number[] },
) {
  const actor = actorOf(request);
  const db = request.server.db;
  const estates = await convenableEstates(db, actor);
  const allowed = new Set(estates.map((e) => e.id));
  const chosen = (opts.fixedEstateIds ?? opts.values.estateIds.map(Number)).filter((id) => allowed.has(id));
  const candidates = await participantCandidates(db, actor.communityId ?? -1, chosen);
  return reply.page('meetings/form.njk', {
    mode: opts.mode,
    meetingId: opts.meetingId,
    estates: opts.mode === 'edit' ? estates.filter((e) => chosen.includes(e.id)) : estates,
    groups: groupByParty(candidates, opts.values.participantIds),
    kinds: MEETING_KINDS,
    values: { ...opts.values, estateIds: chosen.map(String) },
    errors: errorsAs(opts.errors, MEETING_FORM_FIELDS),
  });
}

export async function renderShow(
  request: FastifyRequest,
  reply: FastifyReply,
  id: number,
  extra: { errors?: FieldError[]; errorTarget?: string; values?: Record<string, unknown> } = {},
) {
  const actor = actorOf(request);
  const db = request.server.db;
  const meeting = await getMeetingForActor(db, actor, id);
  const manage = canManage(actor, meeting);
  const now = request.server.now();
  let warnings: DoubleBookingView[] = [];
  // Double-booking names people and other meetings (possibly of other estates): for the convener only.
  if (manage && meeting.status === 'scheduled') {
    warnings = await doubleBookings(
      db,
      meeting,
      meeting.participants.map((p) => p.userId),
    );
  }
  const query = request.query as Partial<Record<(typeof FLASHES)[number], string>>;
  const presence = allThreePartiesPresent(meeting.participants);
  const partyNames = (parties: string[]) => parties.map((p) => request.t(`meetings.party.${p}`)).join('、');
  const record = await meetingRecord(db, id, meeting.participants);
  return reply.page('meetings/show.njk', {
    meeting,
    manage,
    record,
    presence,
    presenceMissing: partyNames(presence.missing),
    heldMissing: partyNames(heldMissingParties(meeting)),
    warnings,
    decisionKinds: Object.values(DECISION_KINDS),
    assignable: ASSIGNABLE_PARTIES,
    overdueIds: meeting.actionItems.filter((a) => a.doneAt === null && a.dueAt < now).map((a) => a.id),
    mine: (a: { ownerId: number }) => a.ownerId === actor.userId,
    flash: FLASHES.find((k) => query[k] === '1') ?? null,
    errors: extra.errors ?? [],
    errorTarget: extra.errorTarget ?? '',
    values: extra.values ?? {},
  });
}

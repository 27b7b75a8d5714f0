import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { ValidationFailed, type FieldError } from '../../errors.ts';
import { MEETING_PLACE_MAX, MEETING_TITLE_MAX, validateMeetingInput } from '../../domain/meeting-rules.ts';
import { formatShanghai, parseShanghaiLocal } from '../../domain/deadlines.ts';
import { convenableEstates, participantCandidates, type Candidate } from './queries.ts';

/** Checking the convene / edit form against the meeting rules and the actor's estates and people. */

export interface MeetingForm {
  kind: string;
  title: string;
  place: string;
  startsAt: string;
  endsAt: string;
  estateIds: string[];
  participantIds: string[];
}

/** Field names as the forms show them: prefixed, so they never clash with another feature's labels. */
const MEETING_FIELD = {
  title: 'meetingTitle',
  kind: 'meetingKind',
  startsAt: 'meetingStartsAt',
  endsAt: 'meetingEndsAt',
  place: 'meetingPlace',
} as const;

/** Codes common.ts already words; the others get a meeting-specific key in our catalogue. */
const COMMON_CODES = new Set(['required', 'invalid', 'in_past', 'too_long']);
export const errorCode = (c: string) => (COMMON_CODES.has(c) ? c : `meeting_${c}`);

export const toInts = (values: string[]) => [...new Set(values.map((v) => Number(v)))];

const ID_MAX = 2147483647;
/** A row id typed into a form: a whole number the database can hold, else null (never a query with 1e20). */
export function parseId(value: string): number | null {
  if (!/^[1-9][0-9]{0,9}$/.test(value)) return null;
  const id = Number(value);
  return id <= ID_MAX ? id : null;
}

/** A datetime-local value in Shanghai time: null when blank, an invalid Date when unreadable. */
export function parseLocal(value: string): Date | null {
  if (value.trim() === '') return null;
  return parseShanghaiLocal(value) ?? new Date(Number.NaN);
}

/** Times in notices and notifications, which are written in Chinese. */
export const when = (d: Date) => formatShanghai(d, 'zh-CN');

interface CheckedMeeting {
  kind: string;
  title: string;
  place: string;
  startsAt: Date;
  endsAt: Date;
  estateIds: number[];
  participants: Candidate[];
}

/**
 * The form checked, or a ValidationFailed with every problem. `fixedEstateIds` are the estates of a
 * meeting being edited (they do not change); a new meeting's estates must be the actor's to convene for,
 * and every invitee one of the estates' parties or residents.
 */
export async function checkMeetingForm(
  tx: DbTx,
  actor: Actor,
  form: MeetingForm,
  now: Date,
  fixedEstateIds: number[] | null,
): Promise<CheckedMeeting> {
  const startsAt = parseLocal(form.startsAt);
  const endsAt = parseLocal(form.endsAt);
  const errors: FieldError[] = validateMeetingInput({
    title: form.title,
    place: form.place,
    kind: form.kind,
    startsAt,
    endsAt,
    now,
  }).map((e) => ({
    field: MEETING_FIELD[e.field],
    code: errorCode(e.code),
    ...(e.code === 'too_long' ? { params: { max: e.field === 'title' ? MEETING_TITLE_MAX : MEETING_PLACE_MAX } } : {}),
  }));

  let estateIds = fixedEstateIds ?? toInts(form.estateIds);
  if (fixedEstateIds === null) {
    const allowed = new Set((await convenableEstates(tx, actor)).map((e) => e.id));
    if (estateIds.length === 0) errors.push({ field: 'meetingEstates', code: 'required' });
    else if (estateIds.some((id) => !allowed.has(id))) {
      errors.push({ field: 'meetingEstates', code: 'invalid' });
      estateIds = [];
    }
  }

  const candidates = await participantCandidates(tx, actor.communityId ?? -1, estateIds);
  const byId = new Map(candidates.map((c) => [c.userId, c]));
  const participants: Candidate[] = [];
  let outside = false;
  for (const id of toInts(form.participantIds)) {
    const candidate = byId.get(id);
    if (candidate) participants.push(candidate);
    else outside = true;
  }
  if (outside) errors.push({ field: 'meetingParticipants', code: 'meeting_outside_parties' });
  else if (participants.length === 0) errors.push({ field: 'meetingParticipants', code: 'required' });

  if (errors.length > 0) throw new ValidationFailed(errors);
  return {
    kind: form.kind,
    title: form.title.trim(),
    place: form.place.trim(),
    startsAt: startsAt as Date,
    endsAt: endsAt as Date,
    estateIds,
    participants,
  };
}

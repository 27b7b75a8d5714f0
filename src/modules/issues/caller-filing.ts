import { Type, type Static } from '@sinclair/typebox';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { normalizeMainlandMobile } from '../../domain/phone.ts';
import { residentOfEstate } from '../auth/index.ts';
import { buildingsOfEstate, categoryById, unitsOfBuilding } from '../places/index.ts';
import { notify } from '../notifications/index.ts';
import type { StoredFile } from '../attachments/index.ts';
import {
  DESCRIPTION_MAX,
  LOCATION_NOTE_MAX,
  LOCATION_TYPES,
  TITLE_MAX,
  charLength,
  createSubmittedIssue,
  notifyNewIssue,
  recordIssuePhotos,
  type LocationType,
} from './filing.ts';
import { issueIdBySubmissionKey } from './queries.ts';

/**
 * Filing for a caller (代为登记): community or property staff record a complaint a resident made by phone
 * or at the service desk. The resident's account is linked when they have one (they become the reporter,
 * are told, and follow it like their own); otherwise the caller's name and mobile number are kept on the
 * issue and the staff member is its reporter. `filedById` is always the staff member.
 */

export const CALLER_CHANNELS = ['phone', 'desk'] as const;
export type CallerChannel = (typeof CALLER_CHANNELS)[number];
const CALLER_NAME_MAX = 40;

const Text = (maxLength: number) => Type.String({ default: '', maxLength });

export const CallerFilingForm = Type.Object({
  estateId: Type.String({ pattern: '^[0-9]{1,9}$' }),
  channel: Text(20),
  residentId: Text(20),
  residentQuery: Text(100),
  callerName: Text(1000),
  callerPhone: Text(100),
  locationType: Text(20),
  buildingId: Text(20),
  room: Text(100),
  locationNote: Text(1000),
  categoryId: Text(20),
  title: Text(1000),
  description: Text(20000),
  submissionKey: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }),
  /** 'search': the no-JavaScript search button (the form comes back with the matches, nothing filed). */
  intent: Text(20),
});
export type CallerFilingInput = Static<typeof CallerFilingForm>;

/** The estate staff file in: one of theirs, else NotFound (another estate does not exist for them). */
export function callerEstateId(actor: Actor, estateId: number): number {
  if (actor.role !== 'community' && actor.role !== 'property') throw new NotFound();
  if (!actor.estateIds.includes(estateId)) throw new NotFound();
  return estateId;
}

const isId = (s: string) => /^[0-9]{1,9}$/.test(s);

type Resident = NonNullable<Awaited<ReturnType<typeof residentOfEstate>>>;

interface CheckedPlace {
  locationType: LocationType;
  buildingId: number | null;
  unitId: number | null;
}

/** Where the problem is: a unit (its building's room, or the linked resident's home), a building, or the estate. */
async function checkPlace(db: DbTx, estateId: number, input: CallerFilingInput, resident: Resident | null, errors: FieldError[]) {
  if (!(LOCATION_TYPES as readonly string[]).includes(input.locationType)) {
    errors.push({ field: 'locationType', code: 'required' });
    return null;
  }
  const locationType = input.locationType as LocationType;
  if (locationType === 'estate') return { locationType, buildingId: null, unitId: null } satisfies CheckedPlace;
  const room = input.room.trim();
  if (locationType === 'unit' && input.buildingId === '' && room === '' && resident?.unitId && resident.unit) {
    return { locationType, buildingId: resident.unit.buildingId, unitId: resident.unitId } satisfies CheckedPlace;
  }
  const buildings = await buildingsOfEstate(db, estateId);
  const building = isId(input.buildingId) ? buildings.find((b) => b.id === Number(input.buildingId)) : undefined;
  if (!building) {
    errors.push({ field: 'buildingId', code: input.buildingId === '' ? 'required' : 'caller_building_unknown' });
    return null;
  }
  if (locationType === 'building') return { locationType, buildingId: building.id, unitId: null } satisfies CheckedPlace;
  if (room === '') {
    errors.push({ field: 'room', code: 'required' });
    return null;
  }
  // "601", or "1-601" (entrance-room) where entrances share room numbers
  const [entrance, number] = /^[^-－]+[-－].+$/.test(room) ? room.split(/[-－]/, 2).map((s) => s.trim()) : ['', room];
  const units = (await unitsOfBuilding(db, estateId, building.id)).filter(
    (u) => u.room === number && (entrance === '' || u.entrance === entrance || u.entrance === `${entrance}单元`),
  );
  if (units.length !== 1) {
    errors.push({ field: 'room', code: units.length === 0 ? 'caller_room_unknown' : 'caller_room_ambiguous' });
    return null;
  }
  return { locationType, buildingId: building.id, unitId: units[0]!.id } satisfies CheckedPlace;
}

/** Every field of the caller's issue checked against the estate; the linked resident and category found. */
async function checkCallerFiling(db: DbTx, estateId: number, input: CallerFilingInput) {
  const errors: FieldError[] = [];
  if (!(CALLER_CHANNELS as readonly string[]).includes(input.channel)) errors.push({ field: 'channel', code: 'required' });
  let resident: Resident | null = null;
  let callerName = '';
  let callerPhone = '';
  if (input.residentId !== '') {
    resident = isId(input.residentId) ? await residentOfEstate(db, estateId, Number(input.residentId)) : null;
    if (!resident) errors.push({ field: 'residentId', code: 'caller_resident_unknown' });
  } else {
    callerName = input.callerName.trim();
    if (callerName === '') errors.push({ field: 'callerName', code: 'required' });
    else if (charLength(callerName) > CALLER_NAME_MAX)
      errors.push({ field: 'callerName', code: 'too_long', params: { max: CALLER_NAME_MAX } });
    const phone = normalizeMainlandMobile(input.callerPhone);
    if (input.callerPhone.trim() === '') errors.push({ field: 'callerPhone', code: 'required' });
    else if (phone === null) errors.push({ field: 'callerPhone', code: 'phone_invalid' });
    callerPhone = phone ?? '';
  }
  const place = await checkPlace(db, estateId, input, resident, errors);
  const title = input.title.trim();
  const description = input.description.trim();
  if (title === '') errors.push({ field: 'title', code: 'required' });
  else if (charLength(title) > TITLE_MAX) errors.push({ field: 'title', code: 'too_long', params: { max: TITLE_MAX } });
  if (description === '') errors.push({ field: 'description', code: 'required' });
  else if (charLength(description) > DESCRIPTION_MAX)
    errors.push({ field: 'description', code: 'too_long', params: { max: DESCRIPTION_MAX } });
  if (charLength(input.locationNote.trim()) > LOCATION_NOTE_MAX)
    errors.push({ field: 'locationNote', code: 'too_long', params: { max: LOCATION_NOTE_MAX } });
  const category = isId(input.categoryId) ? await categoryById(db, Number(input.categoryId)) : null;
  if (!category?.active) errors.push({ field: 'categoryId', code: input.categoryId === '' ? 'required' : 'unknown_category' });
  if (errors.length > 0 || !place || !category?.active) throw new ValidationFailed(errors);
  return { resident, callerName, callerPhone, place, category, title, description };
}

/**
 * Files a caller's issue with its stored photos in the caller's transaction: the issue (channel, filer,
 * caller), its submit event by the staff member (the event's note says how it came in), the photos, the
 * community's notice and the linked resident's. The same form sent twice files once.
 */
export async function fileForCaller(
  tx: DbTx,
  actor: Actor,
  input: CallerFilingInput,
  photos: StoredFile[],
  context: { now: Date; eventNote: string },
): Promise<{ issueId: number; duplicate: boolean }> {
  const estateId = callerEstateId(actor, Number(input.estateId));
  const linkedId = isId(input.residentId) ? Number(input.residentId) : null;
  const existing = await issueIdBySubmissionKey(tx, linkedId ?? actor.userId, input.submissionKey);
  if (existing !== null) return { issueId: existing, duplicate: true };

  const checked = await checkCallerFiling(tx, estateId, input);
  const { now } = context;
  const reporterId = checked.resident?.id ?? actor.userId;
  const { created } = await createSubmittedIssue(
    tx,
    {
      estateId,
      buildingId: checked.place.buildingId,
      unitId: checked.place.unitId,
      locationType: checked.place.locationType,
      locationNote: input.locationNote.trim(),
      isPublic: checked.place.locationType !== 'unit',
      categoryId: checked.category.id,
      emergency: checked.category.emergency,
      title: checked.title,
      description: checked.description,
      reporterId,
      submissionKey: input.submissionKey,
      channel: input.channel,
      filedById: actor.userId,
      callerName: checked.callerName,
      callerPhone: checked.callerPhone,
    },
    checked.category,
    { userId: actor.userId, role: actor.role, note: context.eventNote },
    now,
  );
  await recordIssuePhotos(tx, created.id, photos, actor.userId, now);
  await notifyNewIssue(tx, created, checked.category.emergency, actor.userId);
  if (checked.resident) {
    await notify(tx, [
      {
        userId: checked.resident.id,
        kind: 'issue_filed_for_you',
        topic: 'my_issues',
        params: { id: created.id, title: created.title, channel: input.channel },
        link: `/issues/${created.id}`,
        issueId: created.id,
      },
    ]);
  }
  return { issueId: created.id, duplicate: false };
}

/** A double submission racing the first fails on the unique key; its answer is the first issue. */
export async function firstCallerFilingAfterRace(db: DbTx, actor: Actor, input: CallerFilingInput, error: unknown) {
  if ((error as { code?: string }).code === 'P2002') {
    const linkedId = isId(input.residentId) ? Number(input.residentId) : null;
    const first = await issueIdBySubmissionKey(db, linkedId ?? actor.userId, input.submissionKey);
    if (first !== null) return { issueId: first };
  }
  throw error;
}

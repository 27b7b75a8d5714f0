import type { DbTx } from '../../plugins/db.ts';
import { NotFound, ValidationFailed } from '../../errors.ts';
import { recordAudit, type AuditWho } from '../audit/index.ts';
import { buildingData, communityData, estateData, settingsData, unitData } from './forms.ts';
import { newJoinCode } from './join-code.ts';
import type { BuildingForm, CommunityForm, EstateForm, SettingsForm, UnitForm } from './schemas.ts';

/**
 * The administration of places: communities, estates (with their settings and join code), buildings and
 * units. Each command takes the caller's transaction, checks the form (rules in forms.ts), refuses a name
 * its parent already has with an inline error, writes, and records the change in the audit log in the
 * same transaction: the row and its audit entry commit together or not at all. The caller has already
 * loaded the parent through the actor's scope (admin-queries.ts).
 */

/** Who makes a change and from where, as the audit log records it. */
export interface ChangedBy {
  who: AuditWho;
  ip: string;
  /** The app's clock (tests move it). */
  now: Date;
}

/** A unique index refused the write: someone saved the same name a moment ago. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

/** Runs a write that a unique index guards, turning a lost race into the same inline error. */
export async function guardUnique<T>(write: () => Promise<T>, field: string, code = 'place_duplicate'): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ValidationFailed([{ field, code }]);
    throw error;
  }
}

function duplicate(field: string, code = 'place_duplicate'): never {
  throw new ValidationFailed([{ field, code }]);
}

// ─── communities ───

export async function createCommunity(tx: DbTx, by: ChangedBy, form: CommunityForm) {
  const data = communityData(form);
  if (await tx.community.findUnique({ where: { name: data.name } })) duplicate('communityName');
  const community = await guardUnique(() => tx.community.create({ data }), 'communityName');
  await recordAudit(tx, {
    ...by,
    action: 'community.create',
    entityType: 'community',
    entityId: community.id,
    communityId: community.id,
    after: data,
  });
  return community;
}

export async function updateCommunity(tx: DbTx, by: ChangedBy, id: number, form: CommunityForm) {
  const data = communityData(form);
  const before = await tx.community.findUnique({ where: { id }, select: { name: true, district: true } });
  if (!before) throw new NotFound();
  if (await tx.community.findFirst({ where: { name: data.name, id: { not: id } } })) duplicate('communityName');
  await guardUnique(() => tx.community.update({ where: { id }, data }), 'communityName');
  await recordAudit(tx, {
    ...by,
    action: 'community.update',
    entityType: 'community',
    entityId: id,
    communityId: id,
    before,
    after: data,
  });
}

// ─── estates ───

const ESTATE_FIELDS = { name: true, address: true, propertyCompanyName: true, committeeName: true, dutyPhone: true } as const;

/** A join code no other estate has (a clash of 50 random bits is unheard of; the loop is a seatbelt). */
async function freshJoinCode(tx: DbTx): Promise<string> {
  for (;;) {
    const code = newJoinCode();
    if (!(await tx.estate.findUnique({ where: { joinCode: code }, select: { id: true } }))) return code;
  }
}

export async function createEstate(tx: DbTx, by: ChangedBy, communityId: number, form: EstateForm) {
  const data = estateData(form);
  if (await tx.estate.findFirst({ where: { communityId, name: data.name } })) duplicate('estateName');
  const joinCode = await freshJoinCode(tx);
  const estate = await guardUnique(
    () => tx.estate.create({ data: { ...data, communityId, joinCode, joinCodeRotatedAt: by.now } }),
    'estateName',
  );
  await recordAudit(tx, {
    ...by,
    action: 'estate.create',
    entityType: 'estate',
    entityId: estate.id,
    communityId,
    estateId: estate.id,
    after: data,
  });
  return estate;
}

export async function updateEstate(tx: DbTx, by: ChangedBy, id: number, form: EstateForm) {
  const data = estateData(form);
  const current = await tx.estate.findUnique({ where: { id }, select: { ...ESTATE_FIELDS, communityId: true } });
  if (!current) throw new NotFound();
  const { communityId, ...before } = current;
  if (await tx.estate.findFirst({ where: { communityId, name: data.name, id: { not: id } } })) duplicate('estateName');
  await guardUnique(() => tx.estate.update({ where: { id }, data }), 'estateName');
  await recordAudit(tx, {
    ...by,
    action: 'estate.update',
    entityType: 'estate',
    entityId: id,
    communityId,
    estateId: id,
    before,
    after: data,
  });
}

const SETTINGS_FIELDS = {
  autoCloseDays: true,
  satisfactionWeightPct: true,
  deadlineWarningHours: true,
  meetingReminderHours: true,
  voteReminderHours: true,
  bouncingThreshold: true,
  minVotingDays: true,
  secretBallots: true,
} as const;

export async function updateEstateSettings(tx: DbTx, by: ChangedBy, id: number, form: SettingsForm) {
  const data = settingsData(form);
  const current = await tx.estate.findUnique({ where: { id }, select: { ...SETTINGS_FIELDS, communityId: true } });
  if (!current) throw new NotFound();
  const { communityId, ...before } = current;
  await tx.estate.update({ where: { id }, data });
  await recordAudit(tx, {
    ...by,
    action: 'estate.settings',
    entityType: 'estate',
    entityId: id,
    communityId,
    estateId: id,
    before,
    after: data,
  });
}

/**
 * Gives the estate a new join code: the old one stops working at once (registration looks codes up), so
 * posters printed with it are void. The audit entry keeps both codes.
 */
export async function rotateJoinCode(tx: DbTx, by: ChangedBy, id: number): Promise<string> {
  const current = await tx.estate.findUnique({ where: { id }, select: { joinCode: true, communityId: true } });
  if (!current) throw new NotFound();
  const joinCode = await freshJoinCode(tx);
  await tx.estate.update({ where: { id }, data: { joinCode, joinCodeRotatedAt: by.now } });
  await recordAudit(tx, {
    ...by,
    action: current.joinCode ? 'estate.join_code.rotate' : 'estate.join_code.create',
    entityType: 'estate',
    entityId: id,
    communityId: current.communityId,
    estateId: id,
    before: { joinCode: current.joinCode },
    after: { joinCode },
  });
  return joinCode;
}

// ─── buildings ───

export async function createBuilding(tx: DbTx, by: ChangedBy, estateId: number, form: BuildingForm) {
  const data = buildingData(form);
  const estate = await tx.estate.findUnique({ where: { id: estateId }, select: { communityId: true } });
  if (!estate) throw new NotFound();
  if (await tx.building.findFirst({ where: { estateId, name: data.name } })) duplicate('buildingName');
  const building = await guardUnique(() => tx.building.create({ data: { ...data, estateId } }), 'buildingName');
  await recordAudit(tx, {
    ...by,
    action: 'building.create',
    entityType: 'building',
    entityId: building.id,
    communityId: estate.communityId,
    estateId,
    after: data,
  });
  return building;
}

export async function updateBuilding(tx: DbTx, by: ChangedBy, id: number, form: BuildingForm) {
  const data = buildingData(form);
  const current = await tx.building.findUnique({
    where: { id },
    select: { name: true, floors: true, sortOrder: true, estateId: true, estate: { select: { communityId: true } } },
  });
  if (!current) throw new NotFound();
  const { estateId, estate, ...before } = current;
  if (await tx.building.findFirst({ where: { estateId, name: data.name, id: { not: id } } })) duplicate('buildingName');
  await guardUnique(() => tx.building.update({ where: { id }, data }), 'buildingName');
  await recordAudit(tx, {
    ...by,
    action: 'building.update',
    entityType: 'building',
    entityId: id,
    communityId: estate.communityId,
    estateId,
    before,
    after: data,
  });
}

// ─── units ───

export async function createUnit(tx: DbTx, by: ChangedBy, buildingId: number, form: UnitForm) {
  const data = unitData(form);
  const building = await tx.building.findUnique({
    where: { id: buildingId },
    select: { estateId: true, estate: { select: { communityId: true } } },
  });
  if (!building) throw new NotFound();
  if (await tx.unit.findFirst({ where: { buildingId, entrance: data.entrance, room: data.room } }))
    duplicate('unitRoom', 'place_duplicate_room');
  const unit = await guardUnique(() => tx.unit.create({ data: { ...data, buildingId } }), 'unitRoom', 'place_duplicate_room');
  await recordAudit(tx, {
    ...by,
    action: 'unit.create',
    entityType: 'unit',
    entityId: unit.id,
    communityId: building.estate.communityId,
    estateId: building.estateId,
    after: { buildingId, ...data },
  });
  return unit;
}

export async function updateUnit(tx: DbTx, by: ChangedBy, id: number, form: UnitForm) {
  const data = unitData(form);
  const current = await tx.unit.findUnique({
    where: { id },
    select: {
      entrance: true,
      room: true,
      floor: true,
      areaCentiM2: true,
      buildingId: true,
      building: { select: { estateId: true, estate: { select: { communityId: true } } } },
    },
  });
  if (!current) throw new NotFound();
  const { buildingId, building, ...before } = current;
  if (await tx.unit.findFirst({ where: { buildingId, entrance: data.entrance, room: data.room, id: { not: id } } }))
    duplicate('unitRoom', 'place_duplicate_room');
  await guardUnique(() => tx.unit.update({ where: { id }, data }), 'unitRoom', 'place_duplicate_room');
  await recordAudit(tx, {
    ...by,
    action: 'unit.update',
    entityType: 'unit',
    entityId: id,
    communityId: building.estate.communityId,
    estateId: building.estateId,
    before,
    after: data,
  });
}

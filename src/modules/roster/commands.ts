import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { DEVELOPER_OWNER_KEY, type RosterRow } from '../../domain/roster-csv.ts';
import { groupRosterByUnit, rosterUnitKey } from '../../domain/roster-units.ts';
import { formatArea, parseAreaToCentiM2 } from '../../domain/money.ts';
import { maskPhone } from '../../domain/privacy.ts';
import { communityOfEstate, unitsOfEstate, updateUnitFacts, upsertRosterPlaces } from '../places/index.ts';
import { recordAudit, type AuditInput } from '../audit/index.ts';
import { getUnitForEdit, mayManageRoster } from './queries.ts';
import { assertRosterUnlocked, type LockedUnitLabel, type UnitsLockedByOpenVotes } from './vote-lock.ts';

/** Where a change comes from, as the audit log records it: the client's address (`request.ip`). */
export type AuditContext = Pick<AuditInput, 'ip'>;

/** Longest file name the audit note keeps. */
const FILE_NAME_MAX = 200;

/** Appends a roster change to the audit log, in the caller's transaction, under the estate and its community. */
async function auditRoster(
  tx: DbTx,
  actor: Actor,
  ctx: AuditContext,
  now: Date,
  estateId: number,
  entry: Pick<AuditInput, 'action' | 'entityType' | 'entityId' | 'before' | 'after' | 'note'>,
) {
  await recordAudit(tx, {
    who: { userId: actor.userId, displayName: actor.displayName, role: actor.role },
    ip: ctx.ip,
    at: now,
    communityId: await communityOfEstate(tx, estateId),
    estateId,
    ...entry,
  });
}

/** An owner as the audit log shows them: roster key, name and the mobile masked (138****0001). */
const ownerLine = (o: { ownerKey: string; name: string; phone: string }) =>
  [o.ownerKey, o.name, maskPhone(o.phone)].filter((x) => x !== '').join(' ');

/** Rows per bulk statement: well inside SQLite's limit on bound parameters. */
const CHUNK = 100;

/** A roster file that parsed cleanly: its name (for the audit log) and its rows. */
export interface RosterUpload {
  fileName: string;
  rows: readonly RosterRow[];
}

export interface ImportSummary {
  units: number;
  created: number;
  updated: number;
  owners: number;
}

/**
 * Imports the parsed rows of a roster file (every row already validated). Buildings and units are
 * upserted by the places module (by name; by building + entrance + room), owners here by their roster
 * key, and the owner links of the imported units only are replaced; importing the same file again
 * updates, never duplicates. A mobile number on the roster never links an account to an owner by itself:
 * that link is made only when the property or committee approves a resident's registration. The import
 * is audited with its counts and the file's name. A file that touches a unit of an open vote's electorate
 * is refused whole (RosterLockedByVote), before anything is written.
 */
export async function importRoster(
  tx: DbTx,
  actor: Actor,
  estateId: number,
  upload: RosterUpload,
  now: Date,
  ctx: AuditContext,
  locks: UnitsLockedByOpenVotes,
): Promise<ImportSummary> {
  if (!mayManageRoster(actor, estateId)) throw new NotFound();
  const { rows } = upload;
  const units = groupRosterByUnit(rows);
  await assertImportUnlocked(tx, estateId, units, locks);
  const ownersBefore = await tx.owner.count({ where: { estateId } });
  const ownerRows = new Map<string, RosterRow>();
  for (const row of rows) if (!ownerRows.has(row.ownerKey)) ownerRows.set(row.ownerKey, row);

  const places = await upsertRosterPlaces(tx, estateId, units);
  const ownerIds = await upsertOwners(tx, estateId, ownerRows);
  const links: { ownerId: number; unitId: number }[] = [];
  const unitIds: number[] = [];
  for (const u of units) {
    const unitId = places.unitIds.get(rosterUnitKey(u));
    if (unitId === undefined) throw new Error(`roster import: unit ${u.building} ${u.entrance}-${u.room} was not written`);
    unitIds.push(unitId);
    for (const k of u.ownerKeys) links.push({ ownerId: ownerIds.get(k) as number, unitId });
  }
  for (let i = 0; i < unitIds.length; i += CHUNK) {
    await tx.ownerUnit.deleteMany({ where: { unitId: { in: unitIds.slice(i, i + CHUNK) } } });
  }
  for (let i = 0; i < links.length; i += CHUNK) {
    await tx.ownerUnit.createMany({ data: links.slice(i, i + CHUNK) });
  }
  const summary = { units: units.length, created: places.created, updated: places.updated, owners: ownerRows.size };
  await auditRoster(tx, actor, ctx, now, estateId, {
    action: 'roster.import',
    entityType: 'estate',
    entityId: estateId,
    before: { ownersInEstate: ownersBefore },
    after: {
      rows: rows.length,
      units: summary.units,
      unitsCreated: summary.created,
      unitsUpdated: summary.updated,
      ownersInFile: summary.owners,
      ownersInEstate: await tx.owner.count({ where: { estateId } }),
    },
    note: Array.from(upload.fileName).slice(0, FILE_NAME_MAX).join(''),
  });
  return summary;
}

/**
 * Refuses an import that would touch a unit of an open vote: the file's units are matched to the estate's
 * existing ones the way the places module upserts them (building name, entrance, room). New units cannot
 * be in any electorate yet.
 */
async function assertImportUnlocked(
  tx: DbTx,
  estateId: number,
  units: readonly { building: string; entrance: string; room: string }[],
  locks: UnitsLockedByOpenVotes,
) {
  const existing = await unitsOfEstate(tx, estateId, null);
  const byKey = new Map(
    existing.map((u) => [rosterUnitKey({ building: u.building.name, entrance: u.entrance, room: u.room }), u]),
  );
  const labels = new Map<number, LockedUnitLabel>();
  for (const u of units) {
    const found = byKey.get(rosterUnitKey(u));
    if (found) labels.set(found.id, { building: found.building.name, entrance: found.entrance, room: found.room });
  }
  await assertRosterUnlocked(tx, locks, [...labels.keys()], (id) => labels.get(id) as LockedUnitLabel);
}

/** Few queries rather than several per row: existing owners are read once, only what changed is written. */
async function upsertOwners(tx: DbTx, estateId: number, ownerRows: ReadonlyMap<string, RosterRow>): Promise<Map<string, number>> {
  const ownerIds = new Map<string, number>();
  const existingOwners = await tx.owner.findMany({
    where: { estateId }, // the whole estate: an IN list of thousands of keys exceeds SQLite's parameter limit
    select: { id: true, ownerKey: true, name: true, phone: true, isDeveloper: true },
  });
  const ownersByKey = new Map(existingOwners.map((o) => [o.ownerKey, o]));
  const newOwners: { estateId: number; ownerKey: string; name: string; phone: string; isDeveloper: boolean }[] = [];
  for (const [key, row] of ownerRows) {
    const developer = key === DEVELOPER_OWNER_KEY;
    const name = developer ? row.ownerName || '开发商' : row.ownerName;
    const found = ownersByKey.get(key);
    if (!found) {
      newOwners.push({ estateId, ownerKey: key, name, phone: row.phone, isDeveloper: developer });
      continue;
    }
    ownerIds.set(key, found.id);
    const wanted = developer
      ? { isDeveloper: true, name: row.ownerName || found.name }
      : { name: row.ownerName, phone: row.phone };
    const changed = Object.entries(wanted).some(([k, v]) => found[k as keyof typeof found] !== v);
    if (changed) await tx.owner.update({ where: { id: found.id }, data: wanted });
  }
  for (let i = 0; i < newOwners.length; i += CHUNK) {
    const made = await tx.owner.createManyAndReturn({
      data: newOwners.slice(i, i + CHUNK),
      select: { id: true, ownerKey: true },
    });
    for (const o of made) ownerIds.set(o.ownerKey, o.id);
  }
  return ownerIds;
}

export interface UnitEditInput {
  area: string;
  floor: string;
  developerUnsold: boolean;
  /** One owner per line: "roster key, name, mobile" (mobile optional). */
  owners: string;
}

function checkUnitEdit(input: UnitEditInput) {
  const errors: FieldError[] = [];
  const area = parseAreaToCentiM2(input.area);
  if (!area.ok) errors.push({ field: 'unitArea', code: area.reason === 'empty' ? 'required' : `roster_area_${area.reason}` });
  const floor = Number(input.floor);
  if (!/^-?\d{1,3}$/.test(input.floor.trim()) || floor === 0) errors.push({ field: 'unitFloor', code: 'invalid' });
  const owners: { key: string; name: string; phone: string }[] = [];
  for (const [i, line] of input.owners.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const [key = '', name = '', phone = ''] = line.split(/[,，]/).map((s) => s.normalize('NFKC').trim());
    const cleanPhone = phone.replace(/[\s-]/g, '');
    if (
      key === '' ||
      name === '' ||
      key === DEVELOPER_OWNER_KEY ||
      (cleanPhone !== '' && !/^1[3-9]\d{9}$/.test(cleanPhone)) ||
      key.length > 100 ||
      name.length > 100
    ) {
      errors.push({ field: 'unitOwners', code: 'roster_owner_line', params: { line: i + 1 } });
      continue;
    }
    if (owners.some((o) => o.key === key)) continue;
    owners.push({ key, name, phone: cleanPhone });
  }
  if (!input.developerUnsold && owners.length === 0 && errors.every((e) => e.field !== 'unitOwners')) {
    errors.push({ field: 'unitOwners', code: 'required' });
  }
  if (errors.length > 0 || !area.ok) throw new ValidationFailed(errors);
  return { areaCentiM2: area.centiM2, floor, owners };
}

/** A unit as the audit log records it: area in m², floor, the unsold flag and its owners. */
const unitRecord = (
  u: { areaCentiM2: number; floor: number; developerUnsold: boolean },
  owners: { ownerKey: string; name: string; phone: string }[],
) => ({
  area: formatArea(u.areaCentiM2),
  floor: u.floor,
  developerUnsold: u.developerUnsold,
  owners: owners.map(ownerLine),
});

/**
 * Saves a hand edit of one unit (area, floor, unsold flag, owners), validated like an imported row, and
 * audits it with the unit before and after. A unit of an open vote's electorate is refused
 * (RosterLockedByVote) until the vote closes.
 */
export async function saveUnit(
  tx: DbTx,
  actor: Actor,
  unitId: number,
  input: UnitEditInput,
  now: Date,
  ctx: AuditContext,
  locks: UnitsLockedByOpenVotes,
) {
  const unit = await getUnitForEdit(tx, actor, unitId);
  const estateId = unit.building.estateId;
  if (!mayManageRoster(actor, estateId)) throw new NotFound();
  await assertRosterUnlocked(tx, locks, [unit.id], () => ({
    building: unit.building.name,
    entrance: unit.entrance,
    room: unit.room,
  }));
  const clean = checkUnitEdit(input);
  await updateUnitFacts(tx, unit.id, {
    areaCentiM2: clean.areaCentiM2,
    floor: clean.floor,
    developerUnsold: input.developerUnsold,
  });
  await tx.ownerUnit.deleteMany({ where: { unitId: unit.id } });
  const owners: { id: number; ownerKey: string; name: string; phone: string }[] = [];
  const written = { id: true, ownerKey: true, name: true, phone: true } as const;
  if (input.developerUnsold) {
    const dev = await tx.owner.upsert({
      where: { estateId_ownerKey: { estateId, ownerKey: DEVELOPER_OWNER_KEY } },
      create: { estateId, ownerKey: DEVELOPER_OWNER_KEY, name: '开发商', isDeveloper: true },
      update: {},
      select: written,
    });
    owners.push(dev);
  } else {
    for (const o of clean.owners) {
      const row = await tx.owner.upsert({
        where: { estateId_ownerKey: { estateId, ownerKey: o.key } },
        create: { estateId, ownerKey: o.key, name: o.name, phone: o.phone },
        update: { name: o.name, phone: o.phone },
        select: written,
      });
      owners.push(row);
    }
  }
  await tx.ownerUnit.createMany({ data: owners.map((o) => ({ ownerId: o.id, unitId: unit.id })) });
  await auditRoster(tx, actor, ctx, now, estateId, {
    action: 'roster.edit',
    entityType: 'unit',
    entityId: unit.id,
    before: unitRecord(
      unit,
      unit.owners.map((o) => o.owner),
    ),
    after: unitRecord({ areaCentiM2: clean.areaCentiM2, floor: clean.floor, developerUnsold: input.developerUnsold }, owners),
    note: [unit.building.name, unit.entrance, unit.room].filter((x) => x !== '').join(' '),
  });
  return { estateId };
}

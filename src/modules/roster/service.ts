import type { Actor } from '../../actor.ts';
import type { Db, DbTx } from '../../plugins/db.ts';
import { NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { DEVELOPER_OWNER_KEY, ROSTER_COLUMNS, ROSTER_HEADERS, groupRosterByUnit, parseRosterCsv, type RosterError, type RosterRow } from '../../domain/roster-csv.ts';
import { parseAreaToCentiM2 } from '../../domain/money.ts';

/** The roster is kept by the owners' committee and the property company of the estate. */
export function mayManageRoster(actor: Actor, estateId: number): boolean {
  return (actor.role === 'committee' || actor.role === 'property') && actor.estateIds.includes(estateId);
}

export function rosterEstateIds(actor: Actor): number[] {
  return actor.role === 'committee' || actor.role === 'property' ? actor.estateIds : [];
}

export async function getRoster(db: Db, actor: Actor, estateId: number | undefined) {
  const ids = rosterEstateIds(actor);
  if (ids.length === 0) throw new NotFound();
  const chosen = estateId ?? ids[0];
  if (chosen === undefined || !ids.includes(chosen)) throw new NotFound();
  const [estates, buildings] = await Promise.all([
    db.estate.findMany({ where: { id: { in: ids } }, select: { id: true, name: true }, orderBy: { id: 'asc' } }),
    db.building.findMany({
      where: { estateId: chosen },
      orderBy: [{ sortOrder: 'asc' }, { id: 'asc' }],
      include: {
        units: {
          orderBy: [{ entrance: 'asc' }, { floor: 'asc' }, { room: 'asc' }],
          include: { owners: { include: { owner: { select: { id: true, name: true, phone: true, ownerKey: true, isDeveloper: true, userId: true } } } } },
        },
      },
    }),
  ]);
  const counts = {
    units: buildings.reduce((s, b) => s + b.units.length, 0),
    owners: await db.owner.count({ where: { estateId: chosen } }),
    linked: await db.owner.count({ where: { estateId: chosen, userId: { not: null } } }),
  };
  return { estateId: chosen, estates, buildings, counts };
}

/** Rows per bulk statement: well inside SQLite's limit on bound parameters. */
const CHUNK = 100;

export type ImportResult =
  | { ok: false; errors: RosterError[] }
  | { ok: true; units: number; created: number; updated: number; owners: number; linked: number };

/**
 * Imports a roster file: every row is validated first and, if any is bad, nothing is written. A clean
 * file is upserted in one transaction (buildings by name, units by building + entrance + room, owners by
 * their roster key), replacing the owner links of the imported units only; importing the same file
 * again updates, never duplicates. Resident accounts of the estate whose mobile matches an owner's are
 * then linked to that owner (one account per owner; accounts already linked keep their link).
 */
export async function importRoster(db: Db, actor: Actor, estateId: number, bytes: Uint8Array): Promise<ImportResult> {
  if (!mayManageRoster(actor, estateId)) throw new NotFound();
  const parsed = parseRosterCsv(bytes);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const units = groupRosterByUnit(parsed.rows);
  const ownerRows = new Map<string, RosterRow>();
  for (const row of parsed.rows) if (!ownerRows.has(row.ownerKey)) ownerRows.set(row.ownerKey, row);

  return db.$transaction(
    async (tx) => {
      const buildingIds = new Map<string, number>();
      const existingBuildings = await tx.building.findMany({ where: { estateId }, select: { id: true, name: true } });
      for (const b of existingBuildings) buildingIds.set(b.name, b.id);
      let order = existingBuildings.length;
      for (const u of units) {
        if (buildingIds.has(u.building)) continue;
        order += 1;
        const created = await tx.building.create({ data: { estateId, name: u.building, sortOrder: order } });
        buildingIds.set(u.building, created.id);
      }

      // Few queries rather than several per row: existing owners and units are read once, only what
      // changed is written, and the owner links of the imported units are replaced in two statements.
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
        const wanted = developer ? { isDeveloper: true, name: row.ownerName || found.name } : { name: row.ownerName, phone: row.phone };
        const changed = Object.entries(wanted).some(([k, v]) => found[k as keyof typeof found] !== v);
        if (changed) await tx.owner.update({ where: { id: found.id }, data: wanted });
      }
      for (let i = 0; i < newOwners.length; i += CHUNK) {
        const made = await tx.owner.createManyAndReturn({ data: newOwners.slice(i, i + CHUNK), select: { id: true, ownerKey: true } });
        for (const o of made) ownerIds.set(o.ownerKey, o.id);
      }

      const existingUnits = await tx.unit.findMany({
        where: { buildingId: { in: [...buildingIds.values()] } },
        select: { id: true, buildingId: true, entrance: true, room: true, floor: true, areaCentiM2: true, developerUnsold: true },
      });
      const unitKey = (buildingId: number, entrance: string, room: string) => JSON.stringify([buildingId, entrance, room]);
      const unitsByKey = new Map(existingUnits.map((u) => [unitKey(u.buildingId, u.entrance, u.room), u]));
      const toCreate: { buildingId: number; entrance: string; room: string; floor: number; areaCentiM2: number; developerUnsold: boolean }[] = [];
      let updated = 0;
      for (const u of units) {
        const buildingId = buildingIds.get(u.building) as number;
        const before = unitsByKey.get(unitKey(buildingId, u.entrance, u.room));
        const data = { floor: u.floor, areaCentiM2: u.areaCentiM2, developerUnsold: u.developerUnsold };
        if (!before) {
          toCreate.push({ buildingId, entrance: u.entrance, room: u.room, ...data });
          continue;
        }
        updated += 1;
        if (before.floor !== data.floor || before.areaCentiM2 !== data.areaCentiM2 || before.developerUnsold !== data.developerUnsold) {
          await tx.unit.update({ where: { id: before.id }, data });
        }
      }
      for (let i = 0; i < toCreate.length; i += CHUNK) {
        const made = await tx.unit.createManyAndReturn({
          data: toCreate.slice(i, i + CHUNK),
          select: { id: true, buildingId: true, entrance: true, room: true, floor: true, areaCentiM2: true, developerUnsold: true },
        });
        for (const m of made) unitsByKey.set(unitKey(m.buildingId, m.entrance, m.room), m);
      }
      const created = toCreate.length;
      const links: { ownerId: number; unitId: number }[] = [];
      const unitIds: number[] = [];
      for (const u of units) {
        const unit = unitsByKey.get(unitKey(buildingIds.get(u.building) as number, u.entrance, u.room));
        if (!unit) throw new Error(`roster import: unit ${u.building} ${u.entrance}-${u.room} was not written`);
        unitIds.push(unit.id);
        for (const k of u.ownerKeys) links.push({ ownerId: ownerIds.get(k) as number, unitId: unit.id });
      }
      for (let i = 0; i < unitIds.length; i += CHUNK) {
        await tx.ownerUnit.deleteMany({ where: { unitId: { in: unitIds.slice(i, i + CHUNK) } } });
      }
      for (let i = 0; i < links.length; i += CHUNK) {
        await tx.ownerUnit.createMany({ data: links.slice(i, i + CHUNK) });
      }
      // Building heights follow the roster.
      for (const [name, id] of buildingIds) {
        const top = Math.max(0, ...units.filter((u) => u.building === name).map((u) => u.floor));
        if (top > 0) await tx.building.updateMany({ where: { id, floors: { lt: top } }, data: { floors: top } });
      }
      const linked = await linkResidentsByPhone(tx, estateId);
      return { ok: true as const, units: units.length, created, updated, owners: ownerRows.size, linked };
    },
    { timeout: 60_000 },
  );
}

/**
 * Links resident accounts to owners of record by mobile number: same estate, account not a tenant and
 * not yet linked, owner not yet linked, and exactly one unlinked owner with that number (a number shared
 * by two owners is left for the committee to link by hand).
 */
export async function linkResidentsByPhone(tx: DbTx, estateId: number): Promise<number> {
  const residents = await tx.user.findMany({
    where: { estateId, role: 'resident', isTenant: false, active: true, phone: { not: '' }, owner: null },
    select: { id: true, phone: true },
  });
  let linked = 0;
  for (const r of residents) {
    const phone = r.phone.replace(/[\s-]/g, '').replace(/^(?:\+?86)(?=1\d{10}$)/, '');
    const owners = await tx.owner.findMany({ where: { estateId, phone, userId: null, isDeveloper: false }, select: { id: true }, take: 2 });
    if (owners.length !== 1) continue;
    const owner = owners[0] as { id: number };
    const done = await tx.owner.updateMany({ where: { id: owner.id, userId: null }, data: { userId: r.id } });
    linked += done.count;
  }
  return linked;
}

/** Links one resident account when it is created or its number changes (for the administration issue). */
export async function linkResidentAccount(tx: DbTx, userId: number): Promise<boolean> {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { estateId: true, role: true } });
  if (!user?.estateId || user.role !== 'resident') return false;
  const before = await tx.owner.count({ where: { userId } });
  if (before > 0) return true;
  await linkResidentsByPhone(tx, user.estateId);
  return (await tx.owner.count({ where: { userId } })) > 0;
}

export function rosterTemplateCsv(): string {
  const header = ROSTER_COLUMNS.map((c) => ROSTER_HEADERS[c][0]).join(',');
  const rows = [
    '5号楼,1,601,6,98.50,王秀英,13800000001,A0001,否',
    '5号楼,1,602,6,86.35,李建国,13800000002,A0002,否',
    '5号楼,1,602,6,86.35,张丽,,A0003,否',
    '5号楼,2,601,6,98.50,李建国,13800000002,A0002,否',
    '8号楼,2,501,5,120.00,,,,是',
  ];
  // A BOM so that Excel on Windows opens the UTF-8 template with the right characters.
  return `\uFEFF${header}\r\n${rows.join('\r\n')}\r\n`;
}

// ───────────────────────────── editing one unit by hand ─────────────────────────────

export async function getUnitForEdit(db: DbTx, actor: Actor, unitId: number) {
  const unit = await db.unit.findFirst({
    where: { id: unitId, building: { estateId: { in: rosterEstateIds(actor) } } },
    include: { building: { select: { id: true, name: true, estateId: true } }, owners: { include: { owner: true } } },
  });
  if (!unit) throw new NotFound();
  return unit;
}

export interface UnitEditInput {
  area: string;
  floor: string;
  developerUnsold: boolean;
  /** One owner per line: "roster key, name, mobile" (mobile optional). */
  owners: string;
}

export function ownersText(owners: { owner: { ownerKey: string; name: string; phone: string; isDeveloper: boolean } }[]): string {
  return owners
    .filter((o) => !o.owner.isDeveloper)
    .map((o) => [o.owner.ownerKey, o.owner.name, o.owner.phone].filter((x, i) => i < 2 || x !== '').join(', '))
    .join('\n');
}

/** Saves a hand edit of one unit (area, floor, unsold flag, owners), validated like an imported row. */
export async function saveUnit(db: Db, actor: Actor, unitId: number, input: UnitEditInput) {
  const unit = await getUnitForEdit(db, actor, unitId);
  const estateId = unit.building.estateId;
  if (!mayManageRoster(actor, estateId)) throw new NotFound();
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
    if (key === '' || name === '' || key === DEVELOPER_OWNER_KEY || (cleanPhone !== '' && !/^1[3-9]\d{9}$/.test(cleanPhone)) || key.length > 100 || name.length > 100) {
      errors.push({ field: 'unitOwners', code: 'roster_owner_line', params: { line: i + 1 } });
      continue;
    }
    if (owners.some((o) => o.key === key)) continue;
    owners.push({ key, name, phone: cleanPhone });
  }
  if (!input.developerUnsold && owners.length === 0 && errors.every((e) => e.field !== 'unitOwners')) {
    errors.push({ field: 'unitOwners', code: 'required' });
  }
  if (errors.length > 0) throw new ValidationFailed(errors);

  await db.$transaction(async (tx) => {
    await tx.unit.update({
      where: { id: unit.id },
      data: { areaCentiM2: area.ok ? area.centiM2 : unit.areaCentiM2, floor, developerUnsold: input.developerUnsold },
    });
    await tx.ownerUnit.deleteMany({ where: { unitId: unit.id } });
    const ids: number[] = [];
    if (input.developerUnsold) {
      const dev = await tx.owner.upsert({
        where: { estateId_ownerKey: { estateId, ownerKey: DEVELOPER_OWNER_KEY } },
        create: { estateId, ownerKey: DEVELOPER_OWNER_KEY, name: '开发商', isDeveloper: true },
        update: {},
        select: { id: true },
      });
      ids.push(dev.id);
    } else {
      for (const o of owners) {
        const row = await tx.owner.upsert({
          where: { estateId_ownerKey: { estateId, ownerKey: o.key } },
          create: { estateId, ownerKey: o.key, name: o.name, phone: o.phone },
          update: { name: o.name, phone: o.phone },
          select: { id: true },
        });
        ids.push(row.id);
      }
    }
    await tx.ownerUnit.createMany({ data: ids.map((ownerId) => ({ ownerId, unitId: unit.id })) });
    await linkResidentsByPhone(tx, estateId);
  });
  return { estateId };
}

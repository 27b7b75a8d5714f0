import type { DbTx } from '../../plugins/db.ts';
import { rosterUnitKey } from '../../domain/roster-units.ts';

/**
 * Changes to the reference data this module owns. Each takes the caller's transaction: the roster
 * import writes buildings and units and the owners living in them as one change.
 */

/** Rows per bulk statement: well inside SQLite's limit on bound parameters. */
const CHUNK = 100;

/** A unit as an owner roster describes it: where it is (building name, entrance, room) and its facts. */
interface RosterUnitPlace {
  building: string;
  entrance: string;
  room: string;
  floor: number;
  areaCentiM2: number;
  developerUnsold: boolean;
}

/**
 * Upserts the buildings (by name) and units (by building + entrance + room) of a roster: existing rows
 * are read once and only what changed is written. Building heights follow the roster. Returns each
 * roster unit's id by its `rosterUnitKey` (src/domain/roster-units.ts), and how many units were created and updated.
 */
export async function upsertRosterPlaces(tx: DbTx, estateId: number, units: readonly RosterUnitPlace[]) {
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

  const buildingNames = new Map([...buildingIds].map(([name, id]) => [id, name]));
  const keyOf = (u: { buildingId: number; entrance: string; room: string }) =>
    rosterUnitKey({ building: buildingNames.get(u.buildingId) ?? '', entrance: u.entrance, room: u.room });
  const existingUnits = await tx.unit.findMany({
    where: { buildingId: { in: [...buildingIds.values()] } },
    select: { id: true, buildingId: true, entrance: true, room: true, floor: true, areaCentiM2: true, developerUnsold: true },
  });
  const unitIds = new Map(existingUnits.map((u) => [keyOf(u), u.id]));
  const before = new Map(existingUnits.map((u) => [u.id, u]));
  const toCreate: {
    buildingId: number;
    entrance: string;
    room: string;
    floor: number;
    areaCentiM2: number;
    developerUnsold: boolean;
  }[] = [];
  let updated = 0;
  for (const u of units) {
    const buildingId = buildingIds.get(u.building) as number;
    const id = unitIds.get(rosterUnitKey(u));
    const data = { floor: u.floor, areaCentiM2: u.areaCentiM2, developerUnsold: u.developerUnsold };
    if (id === undefined) {
      toCreate.push({ buildingId, entrance: u.entrance, room: u.room, ...data });
      continue;
    }
    updated += 1;
    const old = before.get(id);
    if (
      old &&
      (old.floor !== data.floor || old.areaCentiM2 !== data.areaCentiM2 || old.developerUnsold !== data.developerUnsold)
    ) {
      await tx.unit.update({ where: { id }, data });
    }
  }
  for (let i = 0; i < toCreate.length; i += CHUNK) {
    const made = await tx.unit.createManyAndReturn({
      data: toCreate.slice(i, i + CHUNK),
      select: { id: true, buildingId: true, entrance: true, room: true },
    });
    for (const m of made) unitIds.set(keyOf(m), m.id);
  }
  for (const [name, id] of buildingIds) {
    const top = Math.max(0, ...units.filter((u) => u.building === name).map((u) => u.floor));
    if (top > 0) await tx.building.updateMany({ where: { id, floors: { lt: top } }, data: { floors: top } });
  }
  return { unitIds, created: toCreate.length, updated };
}

/** A hand edit of one unit's facts (the roster's unit page). */
export async function updateUnitFacts(
  tx: DbTx,
  unitId: number,
  data: { areaCentiM2: number; floor: number; developerUnsold: boolean },
): Promise<void> {
  await tx.unit.update({ where: { id: unitId }, data });
}

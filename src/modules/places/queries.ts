import type { DbTx } from '../../plugins/db.ts';

/**
 * Reads of the reference data this module owns: communities, estates, buildings, units, categories and
 * settings. Other modules use these through `places/index.ts` instead of querying the tables.
 */

export function estatesByIds(db: DbTx, ids: number[]) {
  return db.estate.findMany({
    where: { id: { in: ids } },
    select: { id: true, name: true, communityId: true },
    orderBy: { id: 'asc' },
  });
}

/** Every estate, by id: an admin's estate filter. */
export function allEstates(db: DbTx) {
  return db.estate.findMany({ select: { id: true, name: true, communityId: true }, orderBy: { id: 'asc' } });
}

export function allEstateIds(db: DbTx): Promise<number[]> {
  return db.estate.findMany({ select: { id: true }, orderBy: { id: 'asc' } }).then((rows) => rows.map((r) => r.id));
}

export function communityOfEstate(db: DbTx, estateId: number): Promise<number | null> {
  return db.estate.findUnique({ where: { id: estateId }, select: { communityId: true } }).then((e) => e?.communityId ?? null);
}

export function buildingsOfEstate(db: DbTx, estateId: number) {
  return db.building.findMany({
    where: { estateId },
    orderBy: [{ sortOrder: 'asc' }, { id: 'asc' }],
    select: { id: true, name: true, estateId: true, floors: true },
  });
}

/** Categories residents can file under: emergencies first, then in the configured order. */
export function activeCategories(db: DbTx) {
  return db.category.findMany({ where: { active: true }, orderBy: [{ emergency: 'desc' }, { sortOrder: 'asc' }] });
}

export function allCategories(db: DbTx) {
  return db.category.findMany({ orderBy: [{ emergency: 'desc' }, { sortOrder: 'asc' }] });
}

export function categoryById(db: DbTx, id: number) {
  return db.category.findUnique({ where: { id } });
}

export function unitWithBuilding(db: DbTx, unitId: number) {
  return db.unit.findUnique({
    where: { id: unitId },
    include: { building: { select: { id: true, name: true, estateId: true } } },
  });
}

export async function settingValue(db: DbTx, key: string): Promise<string | null> {
  const row = await db.setting.findUnique({ where: { key } });
  return row?.value ?? null;
}

/** Buildings of several estates, estate by estate (the building choice of a form spanning them). */
export function buildingsOfEstates(db: DbTx, estateIds: number[]) {
  return db.building.findMany({
    where: { estateId: { in: estateIds } },
    orderBy: [{ estateId: 'asc' }, { sortOrder: 'asc' }, { id: 'asc' }],
    select: { id: true, name: true, estateId: true },
  });
}

/** How many of these buildings belong to the estate (all of them, for a valid choice). */
export function countBuildingsOfEstate(db: DbTx, estateId: number, buildingIds: number[]): Promise<number> {
  return db.building.count({ where: { id: { in: buildingIds }, estateId } });
}

/** The units of an estate, or of some of its buildings, with what a vote's electorate records of them. */
export function unitsOfEstate(db: DbTx, estateId: number, buildingIds: number[] | null) {
  return db.unit.findMany({
    where: buildingIds === null ? { building: { estateId } } : { buildingId: { in: buildingIds }, building: { estateId } },
    select: {
      id: true,
      areaCentiM2: true,
      developerUnsold: true,
      floor: true,
      room: true,
      entrance: true,
      building: { select: { name: true } },
    },
  });
}

/** An estate's buildings, each with its units in stairwell order (the roster page). */
export function buildingsWithUnits(db: DbTx, estateId: number) {
  return db.building.findMany({
    where: { estateId },
    orderBy: [{ sortOrder: 'asc' }, { id: 'asc' }],
    include: { units: { orderBy: [{ entrance: 'asc' }, { floor: 'asc' }, { room: 'asc' }] } },
  });
}

/** The buildings of these estates (every estate for 'all'), each with its estate's name, for filter menus. */
export function buildingsWithEstateName(db: DbTx, estateIds: number[] | 'all') {
  return db.building.findMany({
    where: estateIds === 'all' ? {} : { estateId: { in: estateIds } },
    orderBy: [{ estateId: 'asc' }, { sortOrder: 'asc' }, { name: 'asc' }],
    select: { id: true, name: true, estateId: true, estate: { select: { name: true } } },
  });
}

/** The estate a join code (the lobby poster's QR code) belongs to, or null for a wrong or rotated code. */
export function estateByJoinCode(db: DbTx, joinCode: string) {
  return db.estate.findUnique({ where: { joinCode }, select: { id: true, name: true, communityId: true, dutyPhone: true } });
}

/** The units of one building of an estate, in stairwell order (the join form's room picker). */
export function unitsOfBuilding(db: DbTx, estateId: number, buildingId: number) {
  return db.unit.findMany({
    where: { buildingId, building: { estateId } },
    orderBy: [{ entrance: 'asc' }, { floor: 'asc' }, { room: 'asc' }],
    select: { id: true, entrance: true, room: true, floor: true },
  });
}

/** Every community by id (the auth module's scope picker for community staff accounts). */
export function allCommunities(db: DbTx) {
  return db.community.findMany({ select: { id: true, name: true }, orderBy: { id: 'asc' } });
}

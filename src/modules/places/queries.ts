import type { DbTx } from '../../plugins/db.ts';

/**
 * Reads of the reference data this module owns: communities, estates, buildings, units, categories and
 * settings. Other modules use these through `places/index.ts` instead of querying the tables.
 */

export function estatesByIds(db: DbTx, ids: number[]) {
  return db.estate.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, communityId: true }, orderBy: { id: 'asc' } });
}

export function allEstateIds(db: DbTx): Promise<number[]> {
  return db.estate.findMany({ select: { id: true }, orderBy: { id: 'asc' } }).then((rows) => rows.map((r) => r.id));
}

export function communityOfEstate(db: DbTx, estateId: number): Promise<number | null> {
  return db.estate.findUnique({ where: { id: estateId }, select: { communityId: true } }).then((e) => e?.communityId ?? null);
}

export function buildingsOfEstate(db: DbTx, estateId: number) {
  return db.building.findMany({ where: { estateId }, orderBy: [{ sortOrder: 'asc' }, { id: 'asc' }], select: { id: true, name: true, estateId: true, floors: true } });
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
  return db.unit.findUnique({ where: { id: unitId }, include: { building: { select: { id: true, name: true, estateId: true } } } });
}

export async function settingValue(db: DbTx, key: string): Promise<string | null> {
  const row = await db.setting.findUnique({ where: { key } });
  return row?.value ?? null;
}

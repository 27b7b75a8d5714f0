import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound } from '../../errors.ts';
import { ROSTER_COLUMNS, ROSTER_HEADERS } from '../../domain/roster-csv.ts';
import { buildingsWithUnits, estatesByIds, unitWithBuilding } from '../places/index.ts';
import { ownerLinksOfEstate, ownersByUnit } from './owners.ts';

/** The roster is kept by the owners' committee and the property company of the estate. */
export function mayManageRoster(actor: Actor, estateId: number): boolean {
  return (actor.role === 'committee' || actor.role === 'property') && actor.estateIds.includes(estateId);
}

function rosterEstateIds(actor: Actor): number[] {
  return actor.role === 'committee' || actor.role === 'property' ? actor.estateIds : [];
}

/** The roster page: the estate's buildings, their units in stairwell order, and who owns each. */
export async function getRoster(db: DbTx, actor: Actor, estateId: number | undefined) {
  const ids = rosterEstateIds(actor);
  const chosen = estateId ?? ids[0];
  if (chosen === undefined || !ids.includes(chosen)) throw new NotFound();
  const [estates, places, links] = await Promise.all([
    estatesByIds(db, ids),
    buildingsWithUnits(db, chosen),
    ownerLinksOfEstate(db, chosen),
  ]);
  const owners = ownersByUnit(links);
  const buildings = places.map((b) => ({ ...b, units: b.units.map((u) => ({ ...u, owners: owners.get(u.id) ?? [] })) }));
  const counts = {
    units: buildings.reduce((s, b) => s + b.units.length, 0),
    owners: await db.owner.count({ where: { estateId: chosen } }),
    linked: await db.owner.count({ where: { estateId: chosen, userId: { not: null } } }),
  };
  return { estateId: chosen, estates, buildings, counts };
}

/** One unit with its building and owners, for the hand edit; 404 outside the actor's roster estates. */
export async function getUnitForEdit(db: DbTx, actor: Actor, unitId: number) {
  const unit = await unitWithBuilding(db, unitId);
  if (!unit || !rosterEstateIds(actor).includes(unit.building.estateId)) throw new NotFound();
  const owners = await db.ownerUnit.findMany({ where: { unitId }, orderBy: { ownerId: 'asc' }, include: { owner: true } });
  return { ...unit, owners };
}

/** The owners of a unit as the edit form's text: one "roster key, name, mobile" per line. */
export function ownersText(owners: { owner: { ownerKey: string; name: string; phone: string; isDeveloper: boolean } }[]): string {
  return owners
    .filter((o) => !o.owner.isDeveloper)
    .map((o) => [o.owner.ownerKey, o.owner.name, o.owner.phone].filter((x, i) => i < 2 || x !== '').join(', '))
    .join('\n');
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

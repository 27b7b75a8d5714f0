/**
 * The units an owner roster describes: rows (one per owner of a unit) grouped into units, each found by
 * its building, entrance and room.
 */

/** The key a roster unit is found by within its estate. */
export function rosterUnitKey(unit: { readonly building: string; readonly entrance: string; readonly room: string }): string {
  return JSON.stringify([unit.building, unit.entrance, unit.room]);
}

interface RosterUnitRow {
  readonly line: number;
  readonly building: string;
  readonly entrance: string;
  readonly room: string;
  readonly floor: number;
  readonly areaCentiM2: number;
  readonly developerUnsold: boolean;
  readonly ownerKey: string;
}

interface RosterUnit {
  readonly building: string;
  readonly entrance: string;
  readonly room: string;
  readonly floor: number;
  readonly areaCentiM2: number;
  readonly developerUnsold: boolean;
  /** Distinct owner keys in file order; several for co-owned units. */
  readonly ownerKeys: string[];
  readonly lines: number[];
}

/** The distinct units of a parsed roster, in file order, each with its owners' keys. */
export function groupRosterByUnit(rows: readonly RosterUnitRow[]): RosterUnit[] {
  const units = new Map<string, RosterUnit>();
  for (const row of rows) {
    const key = rosterUnitKey(row);
    const unit = units.get(key);
    if (unit === undefined) {
      units.set(key, {
        building: row.building,
        entrance: row.entrance,
        room: row.room,
        floor: row.floor,
        areaCentiM2: row.areaCentiM2,
        developerUnsold: row.developerUnsold,
        ownerKeys: [row.ownerKey],
        lines: [row.line],
      });
    } else {
      if (!unit.ownerKeys.includes(row.ownerKey)) unit.ownerKeys.push(row.ownerKey);
      unit.lines.push(row.line);
    }
  }
  return [...units.values()];
}

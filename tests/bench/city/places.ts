import { DEFAULT_CATEGORIES } from '../../../src/domain/deadlines.ts';
import { BENCH_ESTATE, DAY, HISTORY_DAYS, type BuildingInfo, type CategoryInfo, type City, type CommunityInfo } from './city.ts';
import type { EstateInfo, Owners, Units } from './city.ts';
import { apportion, type Rng } from './random.ts';
import { iso, type Store } from './store.ts';
import { communityName, estateName, mobile, personName, propertyCompany } from './text.ts';

/** The places of the city, the same at every size: communities, estates, buildings, units and their owners. */
export const COMMUNITIES = 150;
export const ESTATES = 700;
export const BUILDINGS = 10_000;
export const UNITS = 300_000;
const BENCH_BUILDINGS = 30;
const BENCH_UNITS_PER_BUILDING = 100;

/** How often residents file in each category (relative); emergencies are rare. */
const CATEGORY_WEIGHTS: Record<string, number> = {
  roof_leak: 5,
  lift_fault: 8,
  lift_entrapment: 1,
  water_drainage: 9,
  power_outage: 4,
  fire_safety: 1,
  severe_leak: 1.5,
  facade_risk: 0.8,
  sanitation: 14,
  parking: 12,
  noise: 8,
  greening: 6,
  security: 6,
  property_service: 12,
  fund_dispute: 1.5,
  other: 10,
};

/** No migration creates categories: the first setup does, with the defaults of src/domain/deadlines.ts. */
export function writeCategories(store: Store): CategoryInfo[] {
  const insert = store.table('Category', [
    'id',
    'code',
    'nameZh',
    'nameEn',
    'emergency',
    'responseHours',
    'resolveHours',
    'defaultParty',
    'sortOrder',
  ]);
  return DEFAULT_CATEGORIES.map((c, i) => {
    insert({
      id: i + 1,
      code: c.code,
      nameZh: c.nameZh,
      nameEn: c.nameEn,
      emergency: c.emergency ? 1 : 0,
      responseHours: c.responseHours,
      resolveHours: c.resolveHours,
      defaultParty: c.defaultParty,
      sortOrder: c.sortOrder,
    });
    return { ...c, id: i + 1, weight: CATEGORY_WEIGHTS[c.code] ?? 1 };
  });
}

export interface Places {
  communities: CommunityInfo[];
  estates: EstateInfo[];
  buildings: BuildingInfo[];
  units: Units;
}

/** Communities, estates, buildings and units (rows written now; owners once the residents are known). */
export function writePlaces(store: Store, rng: Rng, now: number): Places {
  const founded = iso(now - (HISTORY_DAYS + 90) * DAY);
  const communityNames = new Set<string>();
  const communities: CommunityInfo[] = [];
  const insertCommunity = store.table('Community', ['id', 'name', 'district', 'createdAt']);
  const districts: string[] = [];
  for (let c = 0; c < COMMUNITIES; c++) {
    const { name, district } = communityName(rng, communityNames, c);
    insertCommunity({ id: c + 1, name, district, createdAt: founded });
    communities.push({ id: c + 1, name, estates: [], staff: [] });
    districts.push(district);
  }

  // Estates per community (2 at least), the bench estate first in the first community.
  const perCommunity = apportion(
    ESTATES,
    communities.map(() => 0.4 + rng.next()),
    2,
  );
  const estateCommunity: number[] = [];
  perCommunity.forEach((n, c) => {
    for (let i = 0; i < n; i++) estateCommunity.push(c);
  });
  const buildingsPer = [
    BENCH_BUILDINGS,
    ...apportion(
      BUILDINGS - BENCH_BUILDINGS,
      Array.from({ length: ESTATES - 1 }, () => 0.3 + rng.next() * rng.next() * 2),
      4,
    ),
  ];
  const otherBuildings = BUILDINGS - BENCH_BUILDINGS;
  const unitsPer = apportion(
    UNITS - BENCH_BUILDINGS * BENCH_UNITS_PER_BUILDING,
    Array.from({ length: otherBuildings }, () => 0.5 + rng.next()),
    6,
  );

  const units: Units = {
    count: UNITS,
    building: new Int32Array(UNITS),
    floor: new Int16Array(UNITS),
    entrance: new Int8Array(UNITS),
    room: new Int16Array(UNITS),
    area: new Int32Array(UNITS),
    developer: new Uint8Array(UNITS),
    owner1: new Int32Array(UNITS),
    owner2: new Int32Array(UNITS),
  };
  const insertEstate = store.table('Estate', [
    'id',
    'communityId',
    'name',
    'address',
    'propertyCompanyName',
    'committeeName',
    'dutyPhone',
    'joinCode',
    'updatedAt',
    'createdAt',
  ]);
  const insertBuilding = store.table('Building', ['id', 'estateId', 'name', 'sortOrder', 'floors']);
  const insertUnit = store.table('Unit', [
    'id',
    'buildingId',
    'entrance',
    'room',
    'floor',
    'areaCentiM2',
    'developerUnsold',
    'createdAt',
    'updatedAt',
  ]);
  const estateNames = new Set<string>();
  const estates: EstateInfo[] = [];
  const buildings: BuildingInfo[] = [];
  let u = 0;
  let otherIndex = 0;
  for (let e = 0; e < ESTATES; e++) {
    const community = estateCommunity[e] as number;
    const name = e === BENCH_ESTATE ? '长江基准苑' : estateName(rng, estateNames, e);
    const company = propertyCompany(rng, name);
    const estate: EstateInfo = {
      id: e + 1,
      index: e,
      community,
      name,
      propertyCompany: company,
      committeeName: `${name}业主委员会`,
      firstBuilding: buildings.length,
      buildingCount: buildingsPer[e] as number,
      firstUnit: u,
      unitCount: 0,
      propertyUserId: 0,
      committeeUserId: 0,
      residents: [],
      issueWeight: 0,
    };
    insertEstate({
      id: estate.id,
      communityId: community + 1,
      name,
      address: `${districts[community]}${name.slice(0, 2)}路${rng.int(1, 300)}号`,
      propertyCompanyName: company,
      committeeName: estate.committeeName,
      dutyPhone: `027-8${rng.int(100_0000, 999_9999)}`,
      joinCode: `${rng.hex(6)}${estate.id.toString(36).padStart(4, '0')}`,
      updatedAt: founded,
      createdAt: founded,
    });
    const style = rng.chance(0.5) ? '号楼' : '栋';
    for (let b = 0; b < estate.buildingCount; b++) {
      const building: BuildingInfo = {
        id: buildings.length + 1,
        estate: e,
        name: `${b + 1}${style}`,
        firstUnit: u,
        unitCount: e === BENCH_ESTATE ? BENCH_UNITS_PER_BUILDING : (unitsPer[otherIndex++] as number),
      };
      // Two homes per entrance per floor; a building fills its entrances floor by floor.
      const floors =
        e === BENCH_ESTATE ? 25 : Math.min(33, Math.max(2, Math.ceil(building.unitCount / (2 * rng.pick([1, 2, 2, 3, 4])))));
      insertBuilding({ id: building.id, estateId: estate.id, name: building.name, sortOrder: b + 1, floors });
      let placed = 0;
      for (let entrance = 1; placed < building.unitCount; entrance++) {
        for (let floor = 1; floor <= floors && placed < building.unitCount; floor++) {
          for (let r = 1; r <= 2 && placed < building.unitCount; r++) {
            units.building[u] = buildings.length;
            units.floor[u] = floor;
            units.entrance[u] = entrance;
            units.room[u] = floor * 100 + r;
            units.area[u] = rng.int(7000, 14000);
            insertUnit({
              id: u + 1,
              buildingId: building.id,
              entrance: String(entrance),
              room: String(floor * 100 + r),
              floor,
              areaCentiM2: units.area[u] as number,
              developerUnsold: 0,
              createdAt: founded,
              updatedAt: founded,
            });
            placed += 1;
            u += 1;
          }
        }
      }
      buildings.push(building);
    }
    estate.unitCount = u - estate.firstUnit;
    // Busy and quiet estates: the share of issues follows the size, times a spread of about e^±0.9.
    estate.issueWeight = estate.unitCount * (e === BENCH_ESTATE ? 1 : Math.exp(0.9 * rng.normal()));
    estates.push(estate);
    (communities[community] as CommunityInfo).estates.push(e);
  }
  return { communities, estates, buildings, units };
}

/**
 * Owners of record, planned before the residents (who are linked to them): one owner per unit; about
 * every 25th unit has a co-owner, about every 40th owner also owns the next unit, and one estate in eight
 * still has some of the developer's unsold units. The bench estate's first `reserved` units have one
 * plain owner each (the bench accounts live there and vote under a key of their own).
 */
export function planOwners(rng: Rng, estates: EstateInfo[], units: Units, reserved: number): Owners {
  const owners: Owners = { estate: [], key: [], name: [], phone: [], developer: [], user: [] };
  const add = (estate: EstateInfo, key: string, name: string, phone: string, developer: boolean): number => {
    owners.estate.push(estate.id);
    owners.key.push(key);
    owners.name.push(name);
    owners.phone.push(phone);
    owners.developer.push(developer);
    owners.user.push(0);
    return owners.key.length;
  };
  for (const estate of estates) {
    const unsold = estate.index !== BENCH_ESTATE && rng.chance(0.125) ? rng.int(2, 10) : 0;
    let developer = 0;
    let previous = 0;
    let seq = 0;
    for (let i = 0; i < estate.unitCount; i++) {
      const u = estate.firstUnit + i;
      if (i >= estate.unitCount - unsold) {
        developer ||= add(estate, `E${estate.id}-DEV`, `${estate.name.slice(0, 2)}置业有限公司`, '', true);
        units.developer[u] = 1;
        units.owner1[u] = developer;
        continue;
      }
      const plain = estate.index === BENCH_ESTATE && i < reserved;
      if (!plain && previous > 0 && rng.chance(1 / 40)) {
        units.owner1[u] = previous;
        previous = 0; // a third unit would be rare
        continue;
      }
      seq += 1;
      const key = `E${estate.id}-${String(seq).padStart(5, '0')}`;
      const owner = add(estate, key, personName(rng), mobile(rng), false);
      units.owner1[u] = owner;
      previous = plain ? 0 : owner;
      if (!plain && rng.chance(1 / 25)) units.owner2[u] = add(estate, `${key}-B`, personName(rng), '', false);
    }
  }
  return owners;
}

/** Writes the owners (with their linked accounts, known by now) and which units each owns. */
export function writeOwners(city: City): void {
  const { store, owners, units } = city;
  const at = iso(city.now - (HISTORY_DAYS + 60) * DAY);
  const insertOwner = store.table('Owner', [
    'id',
    'estateId',
    'ownerKey',
    'name',
    'phone',
    'isDeveloper',
    'userId',
    'createdAt',
    'updatedAt',
  ]);
  for (let i = 0; i < owners.key.length; i++) {
    insertOwner({
      id: i + 1,
      estateId: owners.estate[i] as number,
      ownerKey: owners.key[i] as string,
      name: owners.name[i] as string,
      phone: owners.phone[i] as string,
      isDeveloper: owners.developer[i] ? 1 : 0,
      userId: (owners.user[i] as number) || null,
      createdAt: at,
      updatedAt: at,
    });
  }
  const insertLink = store.table('OwnerUnit', ['ownerId', 'unitId']);
  const developerUnit = city.store.db.prepare('UPDATE "Unit" SET "developerUnsold" = 1 WHERE "id" = ?');
  for (let u = 0; u < units.count; u++) {
    insertLink({ ownerId: units.owner1[u] as number, unitId: u + 1 });
    if (units.owner2[u]) insertLink({ ownerId: units.owner2[u] as number, unitId: u + 1 });
    if (units.developer[u]) developerUnit.run(u + 1);
  }
}

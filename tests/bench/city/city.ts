import type { Rng } from './random.ts';
import type { Store } from './store.ts';

/** The generated city as the generators share it: ids are assigned here (every table starts empty). */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** How far back the city's history goes. */
export const HISTORY_DAYS = 3 * 365;

export interface CategoryInfo {
  id: number;
  code: string;
  emergency: boolean;
  responseHours: number;
  resolveHours: number;
  defaultParty: 'property' | 'committee' | 'community';
  /** How often residents file in this category (relative). */
  weight: number;
}

export interface CommunityInfo {
  id: number;
  name: string;
  estates: number[];
  /** Community staff user ids; the first convenes the meetings. */
  staff: number[];
}

export interface EstateInfo {
  id: number;
  index: number;
  community: number;
  name: string;
  propertyCompany: string;
  committeeName: string;
  firstBuilding: number;
  buildingCount: number;
  firstUnit: number;
  unitCount: number;
  propertyUserId: number;
  committeeUserId: number;
  /** Generic residents (user ids) who file and support issues. */
  residents: number[];
  /** Relative share of the city's issues (some estates are busy). */
  issueWeight: number;
}

export interface BuildingInfo {
  id: number;
  estate: number;
  name: string;
  firstUnit: number;
  unitCount: number;
}

/** Units by index (id - 1), as typed arrays: 300,000 of them. */
export interface Units {
  count: number;
  building: Int32Array;
  floor: Int16Array;
  entrance: Int8Array;
  room: Int16Array;
  area: Int32Array;
  developer: Uint8Array;
  /** Owner ids (0: none); owner2 is a co-owner. */
  owner1: Int32Array;
  owner2: Int32Array;
}

/** Owners by index (id - 1). */
export interface Owners {
  estate: number[];
  key: string[];
  name: string[];
  phone: string[];
  developer: boolean[];
  /** The linked resident account, 0 for none. */
  user: number[];
}

export interface People {
  nextId: number;
  /** Unit index + 1 of each resident (by user id), 0 for staff. */
  unitOf: Int32Array;
  displayName: Map<number, string>;
  admin: number;
  benchResident: number;
  benchVoters: number[];
  /** Units of the bench estate kept for the bench accounts: its first `reserved` units. */
  reserved: number;
}

export interface City {
  now: number;
  factor: number;
  rng: Rng;
  store: Store;
  passwordHash: string;
  categories: CategoryInfo[];
  communities: CommunityInfo[];
  estates: EstateInfo[];
  buildings: BuildingInfo[];
  units: Units;
  owners: Owners;
  people: People;
  log: (message: string) => void;
}

/** The bench estate is the first one: 3,000 units, in the first community. */
export const BENCH_ESTATE = 0;

export function roomName(units: Units, u: number): string {
  return String(units.room[u]);
}

/** Who votes for a unit (src/domain/voter-keys.ts voterKeyOf, from the arrays). */
export function voterKeyOfUnit(city: City, u: number): string {
  const { units, owners } = city;
  if (units.developer[u]) return 'developer';
  const ids = [units.owner1[u] as number, units.owner2[u] as number].filter((id) => id > 0 && !owners.developer[id - 1]);
  if (ids.length === 0) return `u:${u + 1}`;
  return [...new Set(ids)]
    .sort((a, b) => a - b)
    .map((id) => `o:${id}`)
    .join('+');
}

export function ownerNamesOfUnit(city: City, u: number): string {
  const { units, owners } = city;
  return [units.owner1[u] as number, units.owner2[u] as number]
    .filter((id) => id > 0)
    .sort((a, b) => a - b)
    .map((id) => owners.name[id - 1])
    .join('、');
}

/** The staff user who acts for a party of an estate ('outside' units are handled by community staff). */
export function partyUser(city: City, estate: EstateInfo, party: string, salt: number): { id: number; role: string } {
  if (party === 'property') return { id: estate.propertyUserId, role: 'property' };
  if (party === 'committee') return { id: estate.committeeUserId, role: 'committee' };
  const staff = (city.communities[estate.community] as CommunityInfo).staff;
  return { id: staff[salt % staff.length] as number, role: 'community' };
}

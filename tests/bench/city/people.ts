import {
  BENCH_ESTATE,
  DAY,
  HISTORY_DAYS,
  type CommunityInfo,
  type EstateInfo,
  type Owners,
  type People,
  type Units,
} from './city.ts';
import { apportion, type Rng } from './random.ts';
import { iso, type Store } from './store.ts';
import { mobile, personName } from './text.ts';

export const RESIDENTS = 50_000;
export const BENCH_VOTERS = 400;
const STAFF_PER_COMMUNITY = 2;

export const BENCH_ACCOUNTS = {
  resident: 'bench_resident',
  property: 'bench_property',
  committee: 'bench_committee',
  community: 'bench_community',
  admin: 'bench_admin',
} as const;

interface PeopleInput {
  store: Store;
  rng: Rng;
  now: number;
  passwordHash: string;
  communities: CommunityInfo[];
  estates: EstateInfo[];
  units: Units;
  owners: Owners;
}

/**
 * Every account: one admin, community staff, a property and a committee user serving each estate, the
 * bench accounts, and 50,000 residents attached to units (verified; most are the unit's owner of record
 * and linked to it, some family members or tenants). Everyone shares the one password hash.
 */
export function writePeople(input: PeopleInput): People {
  const { store, rng, now, passwordHash, communities, estates, units, owners } = input;
  const joined = now - (HISTORY_DAYS + 30) * DAY;
  const insertUser = store.table('User', [
    'id',
    'username',
    'passwordHash',
    'displayName',
    'phone',
    'role',
    'communityId',
    'estateId',
    'unitId',
    'isTenant',
    'orgName',
    'verified',
    'passwordChangedAt',
    'createdAt',
    'updatedAt',
  ]);
  const insertServes = store.table('UserEstate', ['userId', 'estateId']);
  const people: People = {
    nextId: 1,
    unitOf: new Int32Array(RESIDENTS + BENCH_VOTERS + 10_000),
    displayName: new Map(),
    admin: 0,
    benchResident: 0,
    benchVoters: [],
    reserved: BENCH_VOTERS + 1,
  };
  const user = (row: {
    username: string;
    displayName: string;
    role: string;
    phone?: string;
    communityId?: number | null;
    estateId?: number | null;
    unitId?: number | null;
    isTenant?: boolean;
    orgName?: string;
  }): number => {
    const id = people.nextId++;
    const at = iso(joined + rng.int(0, 20) * DAY);
    insertUser({
      id,
      username: row.username,
      passwordHash,
      displayName: row.displayName,
      phone: row.phone ?? '',
      role: row.role,
      communityId: row.communityId ?? null,
      estateId: row.estateId ?? null,
      unitId: row.unitId ?? null,
      isTenant: row.isTenant ? 1 : 0,
      orgName: row.orgName ?? '',
      verified: 1,
      passwordChangedAt: at,
      createdAt: at,
      updatedAt: at,
    });
    if (row.role !== 'resident') people.displayName.set(id, row.displayName);
    return id;
  };

  people.admin = user({ username: BENCH_ACCOUNTS.admin, displayName: '系统管理员', role: 'admin' });
  for (const [c, community] of communities.entries()) {
    for (let k = 0; k < STAFF_PER_COMMUNITY; k++) {
      community.staff.push(
        user({
          username: c === 0 && k === 0 ? BENCH_ACCOUNTS.community : `cs_${c + 1}_${k + 1}`,
          displayName: personName(rng),
          role: 'community',
          phone: mobile(rng),
          communityId: community.id,
          orgName: `${community.name}居民委员会`,
        }),
      );
    }
  }
  for (const estate of estates) {
    const bench = estate.index === BENCH_ESTATE;
    const communityId = estate.community + 1;
    estate.propertyUserId = user({
      username: bench ? BENCH_ACCOUNTS.property : `prop_${estate.id}`,
      displayName: personName(rng),
      role: 'property',
      phone: mobile(rng),
      communityId,
      orgName: estate.propertyCompany,
    });
    estate.committeeUserId = user({
      username: bench ? BENCH_ACCOUNTS.committee : `cmte_${estate.id}`,
      displayName: personName(rng),
      role: 'committee',
      phone: mobile(rng),
      communityId,
      orgName: estate.committeeName,
    });
    insertServes({ userId: estate.propertyUserId, estateId: estate.id });
    insertServes({ userId: estate.committeeUserId, estateId: estate.id });
  }

  // A resident who owns the unit: the owner of record's name and phone, and the link to it.
  const owningResident = (estate: EstateInfo, u: number, username: string): number => {
    const owner = units.owner1[u] as number;
    const id = user({
      username,
      displayName: owners.name[owner - 1] as string,
      phone: owners.phone[owner - 1] as string,
      role: 'resident',
      communityId: estate.community + 1,
      estateId: estate.id,
      unitId: u + 1,
    });
    owners.user[owner - 1] = id;
    people.unitOf[id] = u + 1;
    return id;
  };
  const benchEstate = estates[BENCH_ESTATE] as EstateInfo;
  people.benchResident = owningResident(benchEstate, benchEstate.firstUnit, BENCH_ACCOUNTS.resident);
  for (let v = 1; v <= BENCH_VOTERS; v++) {
    people.benchVoters.push(owningResident(benchEstate, benchEstate.firstUnit + v, `bench_voter_${v}`));
  }

  const perEstate = apportion(
    RESIDENTS,
    estates.map((e) => e.unitCount - (e.index === BENCH_ESTATE ? people.reserved : 0)),
  );
  let n = 0;
  for (const estate of estates) {
    const skip = estate.index === BENCH_ESTATE ? people.reserved : 0;
    const candidates: number[] = [];
    for (let i = skip; i < estate.unitCount; i++)
      if (!units.developer[estate.firstUnit + i]) candidates.push(estate.firstUnit + i);
    for (const pick of rng.sample(candidates.length, perEstate[estate.index] as number)) {
      const u = candidates[pick] as number;
      const owner = units.owner1[u] as number;
      const r = rng.next();
      n += 1;
      let id: number;
      if (r < 0.8 && owners.user[owner - 1] === 0) id = owningResident(estate, u, `res_${n}`);
      else {
        id = user({
          username: `res_${n}`,
          displayName: personName(rng),
          phone: mobile(rng),
          role: 'resident',
          communityId: estate.community + 1,
          estateId: estate.id,
          unitId: u + 1,
          isTenant: r >= 0.9,
        });
        people.unitOf[id] = u + 1;
      }
      estate.residents.push(id);
    }
  }
  return people;
}

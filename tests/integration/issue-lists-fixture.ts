import Database from 'better-sqlite3';
import type { World } from '../helpers/world.ts';

/**
 * A generated city for the issue lists' tests (issue #11): two communities of three estates each (the
 * world's A, B and C, and A2, C2, C3 added here), buildings, residents, and thousands of issues in every
 * state with emergencies, "me too"s (Support rows, supportCount kept equal to them), public and private
 * ones, and many sharing a createdAt (the id breaks the tie). Written with better-sqlite3 into the file
 * while no app holds it open; the caller runs ANALYZE after.
 */

const HOUR = 3600_000;
const STATES = [
  'submitted',
  'accepted',
  'in_progress',
  'awaiting_meeting',
  'awaiting_vote',
  'resolved',
  'closed',
  'closed',
  'closed',
  'rejected',
];

/** A small deterministic generator (mulberry32): the same city every run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const stamp = (at: number) => new Date(at).toISOString().replace('Z', '+00:00');

export interface ListCity {
  /** Estates of the world's community (A, B, A2) and of the other one (C, C2, C3). */
  communityEstates: number[];
  otherEstates: number[];
  /** Estate A2, which committeea also serves here. */
  estateA2: number;
  /** A category no generated issue has, used by `rareCount` issues spread through the history. */
  rareCategoryId: number;
  rareCount: number;
  /** Titles with LIKE's wildcards in them (the search must match them literally). */
  wildcardTitle: string;
}

export function makeListCity(file: string, world: World, count: number, start: Date): ListCity {
  const db = new Database(file);
  const next = random(20261130);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const now = stamp(start.getTime());
  const categories = db.prepare('SELECT id, emergency, code FROM Category').all() as {
    id: number;
    emergency: number;
    code: string;
  }[];
  const rare = categories.find((c) => c.code === 'parking')!;
  const common = categories.filter((c) => c.id !== rare.id);
  const city: ListCity = {
    communityEstates: [world.estateA.id, world.estateB.id],
    otherEstates: [world.estateC.id],
    estateA2: 0,
    rareCategoryId: rare.id,
    rareCount: 0,
    wildcardTitle: '满意度100%_测评',
  };
  db.transaction(() => {
    const addEstate = db.prepare('INSERT INTO Estate (communityId, name, createdAt, updatedAt) VALUES (?, ?, ?, ?)');
    const addBuilding = db.prepare('INSERT INTO Building (estateId, name, sortOrder, floors) VALUES (?, ?, ?, 18)');
    const addUser = db.prepare(
      "INSERT INTO User (username, passwordHash, displayName, role, communityId, estateId, passwordChangedAt, createdAt, updatedAt) VALUES (?, '!', ?, 'resident', ?, ?, ?, ?, ?)",
    );
    city.estateA2 = Number(addEstate.run(world.community.id, '甲二小区', now, now).lastInsertRowid);
    city.communityEstates.push(city.estateA2);
    for (const name of ['丙二小区', '丙三小区'])
      city.otherEstates.push(Number(addEstate.run(world.otherCommunity.id, name, now, now).lastInsertRowid));
    db.prepare('INSERT INTO UserEstate (userId, estateId) VALUES (?, ?)').run(world.users.committeeA.id, city.estateA2);

    const buildings = new Map<number, number[]>();
    const reporters = new Map<number, number[]>();
    const known: Record<number, number[]> = {
      [world.estateA.id]: [world.users.residentA.id, world.users.residentA2.id, world.users.tenantA.id],
      [world.estateB.id]: [world.users.residentB.id],
      [world.estateC.id]: [world.users.residentC.id],
    };
    for (const estateId of [...city.communityEstates, ...city.otherEstates]) {
      const own = db.prepare('SELECT id FROM Building WHERE estateId = ?').all(estateId) as { id: number }[];
      const ids = own.map((b) => b.id);
      for (let b = ids.length; b < 4; b++) ids.push(Number(addBuilding.run(estateId, `${b + 1}号楼`, b).lastInsertRowid));
      buildings.set(estateId, ids);
      const people = [...(known[estateId] ?? [])];
      const communityId = city.communityEstates.includes(estateId) ? world.community.id : world.otherCommunity.id;
      for (let u = 0; u < 30; u++)
        people.push(
          Number(
            addUser.run(`list_${estateId}_${u}`, `居民${estateId}-${u}`, communityId, estateId, now, now, now).lastInsertRowid,
          ),
        );
      reporters.set(estateId, people);
    }

    const addIssue = db.prepare(
      `INSERT INTO Issue (estateId, buildingId, locationType, isPublic, categoryId, emergency, title, description, reporterId,
         submissionKey, state, assignedParty, respondBy, resolveBy, supportCount, createdAt, updatedAt)
       VALUES (?, ?, ?, ?, ?, ?, ?, '描述', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const addSupport = db.prepare('INSERT OR IGNORE INTO Support (issueId, userId, createdAt) VALUES (?, ?, ?)');
    const estates = [...city.communityEstates, ...city.otherEstates];
    for (let n = 0; n < count; n++) {
      const estateId = pick(estates);
      // minutes apart, often the same minute: the id orders those
      const createdAt = start.getTime() - Math.floor(next() * count * 0.7) * 60_000;
      const isRare = n % Math.floor(count / 12) === 5;
      const category = isRare ? rare : pick(common);
      if (isRare && city.communityEstates.includes(estateId)) city.rareCount += 1;
      const state = pick(STATES);
      const isPublic = next() < 0.65 ? 1 : 0;
      const party = state === 'submitted' || state === 'rejected' ? null : pick(['property', 'committee', 'community']);
      const people = reporters.get(estateId)!;
      const reporterId = pick(people);
      const title = n % 997 === 3 ? city.wildcardTitle : n % 499 === 7 ? '满意度100分测评' : `列表诉求 ${n}`;
      const id = Number(
        addIssue.run(
          estateId,
          isPublic ? pick(buildings.get(estateId)!) : buildings.get(estateId)![0],
          isPublic ? 'building' : 'unit',
          isPublic,
          category.id,
          category.emergency,
          title,
          reporterId,
          `list-${n}`,
          state,
          party,
          stamp(createdAt + 24 * HOUR),
          stamp(createdAt + 72 * HOUR),
          0,
          stamp(createdAt),
          stamp(createdAt),
        ).lastInsertRowid,
      );
      if (isPublic && next() < 0.25) {
        const supporters = new Set<number>();
        const howMany = 1 + Math.floor(next() * 4);
        for (let s = 0; s < howMany; s++) supporters.add(pick(people));
        supporters.delete(reporterId);
        for (const userId of supporters) addSupport.run(id, userId, stamp(createdAt));
        db.prepare('UPDATE Issue SET supportCount = ? WHERE id = ?').run(supporters.size, id);
      }
    }
  })();
  db.close();
  return city;
}

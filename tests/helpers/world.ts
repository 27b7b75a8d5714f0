import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { actorFromUser, type Actor, type ActorUser } from '../../src/actor.ts';
import type { Role } from '../../src/domain/roles.ts';
import { DEFAULT_CATEGORIES } from '../../src/domain/deadlines.ts';
import { hashPassword } from '../../src/lib/password.ts';

export const PASSWORD = 'correct horse 42';

let passwordHash: Promise<string> | null = null;
const hashed = () => (passwordHash ??= hashPassword(PASSWORD));

/**
 * A small world made by factories (never the demo seed): one community with two estates (A and B), a
 * building with a few units in each, the default categories, and one account per role. Users are named
 * after what they are: residentA, residentA2, residentB, propertyA, propertyB, committeeA, community,
 * admin, tenantA.
 */
export async function makeWorld(db: PrismaClient) {
  const hash = await hashed();
  for (const c of DEFAULT_CATEGORIES) await db.category.create({ data: { ...c } });
  const categories = await db.category.findMany();
  const cat = (code: string) => {
    const c = categories.find((x) => x.code === code);
    if (!c) throw new Error(code);
    return c;
  };
  const community = await db.community.create({ data: { name: '测试社区' } });
  const otherCommunity = await db.community.create({ data: { name: '另一个社区' } });
  const estateA = await db.estate.create({ data: { communityId: community.id, name: '甲小区' } });
  const estateB = await db.estate.create({ data: { communityId: community.id, name: '乙小区' } });
  const estateC = await db.estate.create({ data: { communityId: otherCommunity.id, name: '丙小区' } });
  const buildingA = await db.building.create({ data: { estateId: estateA.id, name: '5号楼', floors: 6 } });
  const buildingA2 = await db.building.create({ data: { estateId: estateA.id, name: '6号楼', floors: 6 } });
  const buildingB = await db.building.create({ data: { estateId: estateB.id, name: '1栋', floors: 6 } });
  const buildingC = await db.building.create({ data: { estateId: estateC.id, name: '1号楼', floors: 6 } });
  const unit = (buildingId: number, room: string, floor: number, areaCentiM2 = 9000) =>
    db.unit.create({ data: { buildingId, room, floor, areaCentiM2 } });
  const unitA = await unit(buildingA.id, '601', 6, 10000);
  const unitA2 = await unit(buildingA.id, '602', 6, 8000);
  const unitA3 = await unit(buildingA2.id, '101', 1, 12000);
  const unitB = await unit(buildingB.id, '101', 1);
  const unitC = await unit(buildingC.id, '101', 1);

  const user = (data: Record<string, unknown>) =>
    db.user.create({ data: { passwordHash: hash, displayName: String(data.username), ...data } as never });
  const residentA = await user({
    username: 'residenta',
    displayName: '王秀英',
    phone: '13812345678',
    role: 'resident',
    estateId: estateA.id,
    unitId: unitA.id,
    communityId: community.id,
  });
  const residentA2 = await user({
    username: 'residenta2',
    displayName: '李四',
    phone: '13900001111',
    role: 'resident',
    estateId: estateA.id,
    unitId: unitA2.id,
    communityId: community.id,
  });
  const tenantA = await user({
    username: 'tenanta',
    displayName: '租户甲',
    role: 'resident',
    isTenant: true,
    estateId: estateA.id,
    unitId: unitA3.id,
    communityId: community.id,
  });
  const residentB = await user({
    username: 'residentb',
    displayName: '赵六',
    phone: '13700002222',
    role: 'resident',
    estateId: estateB.id,
    unitId: unitB.id,
    communityId: community.id,
  });
  const residentC = await user({
    username: 'residentc',
    displayName: '钱七',
    role: 'resident',
    estateId: estateC.id,
    unitId: unitC.id,
    communityId: otherCommunity.id,
  });
  const propertyA = await user({
    username: 'propertya',
    role: 'property',
    orgName: '甲物业',
    estates: { create: [{ estateId: estateA.id }] },
  });
  const propertyB = await user({
    username: 'propertyb',
    role: 'property',
    orgName: '乙物业',
    estates: { create: [{ estateId: estateB.id }] },
  });
  const committeeA = await user({ username: 'committeea', role: 'committee', estates: { create: [{ estateId: estateA.id }] } });
  const communityStaff = await user({ username: 'community', role: 'community', communityId: community.id });
  const otherCommunityStaff = await user({ username: 'community2', role: 'community', communityId: otherCommunity.id });
  const admin = await user({ username: 'admin', role: 'admin' });

  return {
    cat,
    community,
    otherCommunity,
    estateA,
    estateB,
    estateC,
    buildingA,
    buildingA2,
    buildingB,
    unitA,
    unitA2,
    unitA3,
    unitB,
    unitC,
    users: {
      residentA,
      residentA2,
      tenantA,
      residentB,
      residentC,
      propertyA,
      propertyB,
      committeeA,
      community: communityStaff,
      otherCommunityStaff,
      admin,
    },
  };
}
export type World = Awaited<ReturnType<typeof makeWorld>>;

/**
 * An Actor for calling services directly (seeding a test's history through the real workflow), built by
 * the same actorFromUser() as a signed-in user's. `estateIds` are the estates the user is attached to:
 * the ones a property or committee user serves, or every estate of a community worker's community (a
 * resident's home estate comes from the user row when it has one).
 */
export function actorFor(
  user: { id: number; username: string; role: string } & Partial<Omit<ActorUser, 'id' | 'username' | 'role'>>,
  estateIds: number[],
  extra: Partial<Actor> = {},
): Actor {
  const actor = actorFromUser(
    {
      id: user.id,
      username: user.username,
      displayName: user.displayName ?? user.username,
      role: user.role as Role,
      communityId: user.communityId ?? null,
      estateId: user.estateId ?? estateIds[0] ?? null,
      unitId: user.unitId ?? null,
      isTenant: user.isTenant ?? false,
      verified: user.verified ?? true, // the User table's default
      orgName: user.orgName ?? '',
      locale: user.locale ?? 'zh-CN',
    },
    {
      servedEstates: estateIds.map((estateId) => ({ estateId, communityId: null })),
      communityEstateIds: estateIds,
      buildingId: null,
    },
    'test',
  );
  return { ...actor, ...extra };
}

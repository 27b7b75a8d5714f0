import type { User } from '../generated/prisma/client.ts';
import type { DbTx } from '../plugins/db.ts';
import { actorFromUser, type Actor, type ActorUser } from '../actor.ts';
import type { Role } from '../domain/roles.ts';
import type { DemoRandom } from './demo-random.ts';
import { buildingIdOf, unitAt, type DemoPlaces, type DemoUnit } from './demo-places.ts';

/** A resident who files issues in the demo: where they live decides what they may report and see. */
export interface DemoReporter {
  id: number;
  estateId: number;
  unitId: number;
  buildingId: number;
}

/** The demo's accounts: the six demo logins, the second estate's property staff and 14 more residents. */
export interface DemoPeople {
  resident: User;
  resident2: User;
  property: User;
  committee: User;
  communityUser: User;
  gjwProperty: User;
  home: DemoUnit;
  home2: DemoUnit;
  otherResidents: DemoReporter[];
  residentRows: Map<number, User>;
}

// Accounts. The demo accounts share one known password; the other residents cannot log in ("!").
export async function seedDemoPeople(
  tx: DbTx,
  ctx: { places: DemoPlaces; random: DemoRandom; demoHash: string },
): Promise<DemoPeople> {
  const { places, random, demoHash } = ctx;
  const { community, senjia, gjw, senjiaUnits, gjwUnits } = places;
  const home = unitAt(senjiaUnits, '5号楼', '1', '601');
  const resident = await tx.user.create({
    data: {
      username: 'resident',
      passwordHash: demoHash,
      displayName: '王秀英',
      phone: '13871234567',
      role: 'resident',
      estateId: senjia.id,
      unitId: home.id,
      communityId: community.id,
    },
  });
  await tx.owner.updateMany({
    where: { units: { some: { unitId: home.id } }, isDeveloper: false },
    data: { name: '王秀英', phone: '13871234567' },
  });
  const homeOwner = await tx.owner.findFirst({ where: { units: { some: { unitId: home.id } }, isDeveloper: false } });
  if (homeOwner) await tx.owner.update({ where: { id: homeOwner.id }, data: { userId: resident.id } });

  const home2 = unitAt(senjiaUnits, '3号楼', '2', '402');
  const resident2 = await tx.user.create({
    data: {
      username: 'resident2',
      passwordHash: demoHash,
      displayName: '孙明',
      phone: '13995550123',
      role: 'resident',
      estateId: senjia.id,
      unitId: home2.id,
      communityId: community.id,
    },
  });
  const property = await tx.user.create({
    data: {
      username: 'property',
      passwordHash: demoHash,
      displayName: '刘建国',
      phone: '13607150001',
      role: 'property',
      orgName: '森嘉物业服务有限公司',
      communityId: community.id,
      estates: { create: [{ estateId: senjia.id }] },
    },
  });
  const committee = await tx.user.create({
    data: {
      username: 'committee',
      passwordHash: demoHash,
      displayName: '陈志强',
      phone: '13707150002',
      role: 'committee',
      orgName: '森嘉幸福里业主委员会',
      communityId: community.id,
      estates: { create: [{ estateId: senjia.id }] },
    },
  });
  const communityUser = await tx.user.create({
    data: {
      username: 'community',
      passwordHash: demoHash,
      displayName: '赵丽',
      phone: '02784440003',
      role: 'community',
      orgName: '龚家湾社区党委',
      communityId: community.id,
    },
  });
  await tx.user.create({
    data: { username: 'admin', passwordHash: demoHash, displayName: '系统管理员', role: 'admin', communityId: community.id },
  });
  // Staff of the second estate and more residents who filed the other demo issues (no known password).
  const gjwProperty = await tx.user.create({
    data: {
      username: 'gjw_property',
      passwordHash: '!',
      displayName: '周海',
      role: 'property',
      orgName: '汉阳安居物业',
      communityId: community.id,
      estates: { create: [{ estateId: gjw.id }] },
    },
  });
  const otherResidents: DemoReporter[] = [];
  const residentRows = new Map([resident, resident2].map((u) => [u.id, u]));
  for (let i = 0; i < 14; i++) {
    const inSenjia = i < 11;
    const unit = inSenjia ? senjiaUnits[(i * 29 + 7) % senjiaUnits.length] : gjwUnits[(i * 13) % gjwUnits.length];
    if (!unit) continue;
    const user = await tx.user.create({
      data: {
        username: `demo_resident_${i + 1}`,
        passwordHash: '!',
        displayName: random.personName(),
        phone: `15${String(100000000 + i * 7919).slice(0, 9)}`,
        role: 'resident',
        estateId: inSenjia ? senjia.id : gjw.id,
        unitId: unit.id,
        communityId: community.id,
      },
    });
    residentRows.set(user.id, user);
    otherResidents.push({
      id: user.id,
      unitId: unit.id,
      buildingId: await buildingIdOf(tx, unit.id),
      estateId: inSenjia ? senjia.id : gjw.id,
    });
  }
  return { resident, resident2, property, committee, communityUser, gjwProperty, home, home2, otherResidents, residentRows };
}

export interface DemoActors {
  property: Actor;
  committee: Actor;
  community: Actor;
  gjwProperty: Actor;
  /** A resident who filed a demo issue, as their session would see them. */
  resident: (r: { id: number; buildingId: number }) => Actor;
}

// The story is walked by actors built as a session builds them, from the rows just written.
export function demoActors(places: DemoPlaces, people: DemoPeople): DemoActors {
  const { community, senjia, gjw } = places;
  const actorFor = (
    user: Omit<ActorUser, 'role'> & { role: string },
    estateIds: number[],
    buildingId: number | null = null,
  ): Actor =>
    actorFromUser(
      { ...user, role: user.role as Role },
      {
        servedEstates: estateIds.map((estateId) => ({ estateId, communityId: community.id })),
        communityEstateIds: estateIds,
        buildingId,
      },
      'seed',
    );
  return {
    property: actorFor(people.property, [senjia.id]),
    committee: actorFor(people.committee, [senjia.id]),
    community: actorFor(people.communityUser, [senjia.id, gjw.id]),
    gjwProperty: actorFor(people.gjwProperty, [gjw.id]),
    resident: (r) => {
      const row = people.residentRows.get(r.id);
      if (!row) throw new Error(`demo: no resident ${r.id}`);
      return actorFor(row, [], r.buildingId);
    },
  };
}

import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import type { World } from '../helpers/world.ts';

/**
 * Owners of record for estate A of the test world (not a test file: shared by the votes, ledger and
 * e2e tests). Building 5号楼 (buildingA) after this:
 *   601 100.00 m²  王秀英 (A1, linked to residentA)
 *   602  80.00 m²  李四   (A2, linked to residentA2)
 *   501  90.00 m²  张三   (A3)  } one person, two units: one head, 180 m²
 *   502  90.00 m²  张三   (A3)  }
 *   401  95.00 m²  赵一 + 钱二 (A4, A5): co-owners, one ballot
 *   402  85.00 m²  developer's unsold
 * and 6号楼 101 120.00 m² 孙五 (A6), linked to a resident account `outsider` living in 6号楼.
 * Total of 5号楼: 540.00 m², 5 heads (王, 李, 张, 赵+钱, developer).
 */
export async function seedOwners(db: PrismaClient, w: World) {
  const estateId = w.estateA.id;
  const unit = (buildingId: number, room: string, floor: number, areaCentiM2: number, developerUnsold = false) =>
    db.unit.create({ data: { buildingId, room, floor, areaCentiM2, developerUnsold } });
  const u501 = await unit(w.buildingA.id, '501', 5, 9000);
  const u502 = await unit(w.buildingA.id, '502', 5, 9000);
  const u401 = await unit(w.buildingA.id, '401', 4, 9500);
  const u402 = await unit(w.buildingA.id, '402', 4, 8500, true);
  const owner = (ownerKey: string, name: string, phone = '', userId: number | null = null, isDeveloper = false) =>
    db.owner.create({ data: { estateId, ownerKey, name, phone, userId, isDeveloper } });
  const wang = await owner('A1', '王秀英', '13812345678', w.users.residentA.id);
  const li = await owner('A2', '李四', '13900001111', w.users.residentA2.id);
  const zhang = await owner('A3', '张三', '13500000003');
  const zhao = await owner('A4', '赵一', '13500000004');
  const qian = await owner('A5', '钱二', '13500000005');
  const dev = await owner('__developer__', '开发商', '', null, true);
  const outsiderUser = await db.user.create({
    data: {
      username: 'outsider',
      passwordHash: (await db.user.findUniqueOrThrow({ where: { id: w.users.residentA.id } })).passwordHash,
      displayName: '孙五',
      phone: '13600000006',
      role: 'resident',
      estateId,
      unitId: w.unitA3.id,
      communityId: w.community.id,
    },
  });
  const sun = await owner('A6', '孙五', '13600000006', outsiderUser.id);
  const link = (ownerId: number, unitId: number) => db.ownerUnit.create({ data: { ownerId, unitId } });
  await link(wang.id, w.unitA.id);
  await link(li.id, w.unitA2.id);
  await link(zhang.id, u501.id);
  await link(zhang.id, u502.id);
  await link(zhao.id, u401.id);
  await link(qian.id, u401.id);
  await link(dev.id, u402.id);
  await link(sun.id, w.unitA3.id);
  return {
    owners: { wang, li, zhang, zhao, qian, dev, sun },
    units: { u501, u502, u401, u402 },
    keys: {
      wang: `o:${wang.id}`,
      li: `o:${li.id}`,
      zhang: `o:${zhang.id}`,
      couple: `o:${zhao.id}+o:${qian.id}`,
      developer: 'developer',
    },
  };
}
export type Owners = Awaited<ReturnType<typeof seedOwners>>;

let issueSeq = 0;
/** An issue of estate A's building 5 in a given state, assigned to a party (made directly, for setup). */
export async function makeIssue(db: PrismaClient, w: World, state: string, opts: { party?: string; code?: string } = {}) {
  issueSeq += 1;
  const cat = w.cat(opts.code ?? 'roof_leak');
  const now = new Date('2026-11-10T02:00:00Z');
  return db.issue.create({
    data: {
      estateId: w.estateA.id,
      buildingId: w.buildingA.id,
      locationType: 'building',
      isPublic: true,
      categoryId: cat.id,
      emergency: cat.emergency,
      title: `5号楼顶楼屋面漏水 ${issueSeq}`,
      description: '屋面防水层老化。',
      reporterId: w.users.residentA.id,
      submissionKey: `vote-fixture-${issueSeq}-xxxxxxxx`,
      state,
      assignedParty: opts.party ?? 'committee',
      respondBy: now,
      resolveBy: new Date('2026-12-30T02:00:00Z'),
      createdAt: now,
    },
  });
}

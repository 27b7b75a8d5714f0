import type { DbTx } from '../plugins/db.ts';
import { DEFAULT_CATEGORIES } from '../domain/deadlines.ts';
import type { DemoRandom } from './demo-random.ts';

/** Buildings of 森嘉幸福里: [name, entrances, floors]; two homes per entrance per floor. 300 units. */
const SENJIA_BUILDINGS: [string, number, number][] = [
  ['1号楼', 2, 11],
  ['2号楼', 2, 11],
  ['3号楼', 2, 9],
  ['4号楼', 2, 9],
  ['5号楼', 4, 6],
  ['6号楼', 2, 6],
  ['7号楼', 2, 9],
  ['8号楼', 2, 8],
];
const GONGJIAWAN_BUILDINGS: [string, number, number][] = [
  ['1栋', 2, 7],
  ['2栋', 2, 7],
  ['3栋', 1, 7],
];

export interface DemoUnit {
  id: number;
  buildingName: string;
  entrance: string;
  room: string;
  floor: number;
}

type DemoCategory = Awaited<ReturnType<DbTx['category']['findMany']>>[number];

/** The reference data of the demo: categories, 龚家湾社区, its two estates and their units. */
export interface DemoPlaces {
  community: { id: number };
  senjia: { id: number };
  gjw: { id: number };
  senjiaUnits: DemoUnit[];
  gjwUnits: DemoUnit[];
  category: (code: string) => DemoCategory;
}

export async function seedDemoPlaces(tx: DbTx, random: DemoRandom): Promise<DemoPlaces> {
  for (const c of DEFAULT_CATEGORIES) await tx.category.create({ data: c });
  const categories = await tx.category.findMany();
  const category = (code: string) => {
    const found = categories.find((c) => c.code === code);
    if (!found) throw new Error(`demo: no category ${code}`);
    return found;
  };

  const community = await tx.community.create({ data: { name: '龚家湾社区', district: '武汉市汉阳区' } });
  const senjia = await tx.estate.create({
    data: {
      communityId: community.id,
      name: '森嘉幸福里',
      address: '汉阳区龚家湾路 88 号',
      propertyCompanyName: '森嘉物业服务有限公司',
      committeeName: '森嘉幸福里业主委员会',
      dutyPhone: '027-84661234',
      joinCode: 'senjxf5ywq',
    },
  });
  const gjw = await tx.estate.create({
    data: {
      communityId: community.id,
      name: '龚家湾小区',
      address: '汉阳区龚家湾路 12 号',
      propertyCompanyName: '汉阳安居物业',
      dutyPhone: '027-84669876',
      joinCode: 'gjw7hq3k2m',
    },
  });

  const senjiaUnits = await buildEstate(tx, random, senjia.id, SENJIA_BUILDINGS, 'SJ');
  const gjwUnits = await buildEstate(tx, random, gjw.id, GONGJIAWAN_BUILDINGS, 'GJW');
  return { community, senjia, gjw, senjiaUnits, gjwUnits, category };
}

/** Finds the unit at a building, entrance and room of the units just built. */
export function unitAt(units: DemoUnit[], building: string, entrance: string, room: string): DemoUnit {
  const u = units.find((x) => x.buildingName === building && x.entrance === entrance && x.room === room);
  if (!u) throw new Error(`demo: no unit ${building} ${entrance}-${room}`);
  return u;
}

export async function buildingIdOf(tx: DbTx, unitId: number): Promise<number> {
  return (await tx.unit.findUniqueOrThrow({ where: { id: unitId } })).buildingId;
}

// Units and owners of record. One owner per unit by default; every 23rd unit has a co-owner, every
// 37th owner also owns the next unit, and eight units of building 8 are the developer's unsold stock.
async function buildEstate(
  tx: DbTx,
  random: DemoRandom,
  estateId: number,
  plan: [string, number, number][],
  prefix: string,
): Promise<DemoUnit[]> {
  const { rand } = random;
  const units: DemoUnit[] = [];
  let ownerSeq = 0;
  let developerId: number | null = null;
  let previousOwner: number | null = null;
  for (const [index, [name, entrances, floors]] of plan.entries()) {
    const building = await tx.building.create({ data: { estateId, name, sortOrder: index + 1, floors } });
    for (let e = 1; e <= entrances; e++) {
      for (let f = 1; f <= floors; f++) {
        for (let r = 1; r <= 2; r++) {
          const room = `${f}0${r}`;
          const area = 7200 + Math.floor(rand() * 7100); // 72.00 - 142.99 m²
          const developerUnsold = prefix === 'SJ' && name === '8号楼' && e === 2 && f >= 5;
          const unit = await tx.unit.create({
            data: { buildingId: building.id, entrance: String(e), room, floor: f, areaCentiM2: area, developerUnsold },
          });
          units.push({ id: unit.id, buildingName: name, entrance: String(e), room, floor: f });
          if (developerUnsold) {
            developerId ??= (
              await tx.owner.create({
                data: { estateId, ownerKey: `${prefix}-DEV`, name: '武汉森嘉置业有限公司', isDeveloper: true },
              })
            ).id;
            await tx.ownerUnit.create({ data: { ownerId: developerId, unitId: unit.id } });
            continue;
          }
          ownerSeq += 1;
          if (previousOwner !== null && ownerSeq % 37 === 0) {
            await tx.ownerUnit.create({ data: { ownerId: previousOwner, unitId: unit.id } });
            continue;
          }
          const owner = await tx.owner.create({
            data: {
              estateId,
              ownerKey: `${prefix}-${String(ownerSeq).padStart(4, '0')}`,
              name: random.personName(),
              phone: `13${Math.floor(rand() * 10)}${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`,
            },
          });
          previousOwner = owner.id;
          await tx.ownerUnit.create({ data: { ownerId: owner.id, unitId: unit.id } });
          if (ownerSeq % 23 === 0) {
            const co = await tx.owner.create({
              data: {
                estateId,
                ownerKey: `${prefix}-${String(ownerSeq).padStart(4, '0')}-B`,
                name: random.personName(),
                phone: '',
              },
            });
            await tx.ownerUnit.create({ data: { ownerId: co.id, unitId: unit.id } });
          }
        }
      }
    }
  }
  return units;
}

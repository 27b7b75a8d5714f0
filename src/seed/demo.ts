import type { PrismaClient } from '../generated/prisma/client.ts';
import type { DbTx } from '../plugins/db.ts';
import type { Actor } from '../actor.ts';
import { DEFAULT_CATEGORIES, dueDates } from '../domain/deadlines.ts';
import { hashPassword } from '../lib/password.ts';
import { performIssueAction, type IssueActionInput } from '../modules/issues/service.ts';
import type { IssueAction } from '../domain/issue-workflow.ts';
import { seedDemoMeetings } from './demo-meetings.ts';
import { seedDemoVotes } from './demo-votes.ts';

/**
 * The demo replays DOMAIN.md's story: 龚家湾社区 with two estates; 森嘉幸福里 has 8 buildings and 300
 * units; the top-floor residents of building 5 report a roof leak that needs the maintenance fund.
 * Everything is generated deterministically (a seeded PRNG), so every fresh clone shows the same estate.
 */
export const DEMO_PASSWORD = 'demo12345';
export const DEMO_ACCOUNTS = [
  { username: 'resident', role: 'resident', description: '居民 王秀英 — 森嘉幸福里 5号楼 1单元 601（顶楼，反映屋面漏水）' },
  { username: 'property', role: 'property', description: '物业 刘建国 — 森嘉物业服务中心主任' },
  { username: 'committee', role: 'committee', description: '业委会 陈志强 — 森嘉幸福里业委会主任' },
  { username: 'community', role: 'community', description: '社区 赵丽 — 龚家湾社区党委委员' },
  { username: 'admin', role: 'admin', description: '管理员 — 账户与设置' },
  { username: 'resident2', role: 'resident', description: '居民 孙明 — 森嘉幸福里 3号楼（可附议公共诉求）' },
] as const;

/** Mulberry32: a tiny deterministic PRNG, so the demo is the same on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞', '平', '刚', '桂英', '建华', '文', '华', '金凤', '玉兰', '志明', '海燕', '红', '建国', '晓东', '丹', '浩', '子涵', '雨轩', '欣怡', '宇航', '思远'];

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

const DEFAULT_PARTY: Record<string, string> = { fund_dispute: 'committee', security: 'community', noise: 'community' };

export async function seedDemoIfEmpty(db: PrismaClient, now: Date): Promise<boolean> {
  if ((await db.community.count()) > 0) return false;
  await seedDemo(db, now);
  return true;
}

export async function seedDemo(db: PrismaClient, now: Date): Promise<void> {
  const demoHash = await hashPassword(DEMO_PASSWORD);
  await db.$transaction(
    async (tx) => {
      await seedInTransaction(tx, now, demoHash);
    },
    { timeout: 300_000, maxWait: 10_000 },
  );
}

async function seedInTransaction(tx: DbTx, now: Date, demoHash: string) {
  const rand = prng(20261127);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const day = 86_400_000;

  for (const c of DEFAULT_CATEGORIES) {
    await tx.category.create({
      data: { ...c, defaultParty: DEFAULT_PARTY[c.code] ?? 'property' },
    });
  }
  const categories = await tx.category.findMany();
  const category = (code: string) => {
    const found = categories.find((c) => c.code === code);
    if (!found) throw new Error(`demo: no category ${code}`);
    return found;
  };

  const community = await tx.community.create({ data: { name: '龚家湾社区', district: '武汉市汉阳区' } });
  const senjia = await tx.estate.create({
    data: { communityId: community.id, name: '森嘉幸福里', address: '汉阳区龚家湾路 88 号', propertyCompanyName: '森嘉物业服务有限公司' },
  });
  const gjw = await tx.estate.create({
    data: { communityId: community.id, name: '龚家湾小区', address: '汉阳区龚家湾路 12 号', propertyCompanyName: '汉阳安居物业' },
  });

  // Units and owners of record. One owner per unit by default; every 23rd unit has a co-owner, every
  // 37th owner also owns the next unit, and eight units of building 8 are the developer's unsold stock.
  async function buildEstate(estateId: number, plan: [string, number, number][], prefix: string) {
    const units: { id: number; buildingName: string; entrance: string; room: string; floor: number }[] = [];
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
                await tx.owner.create({ data: { estateId, ownerKey: `${prefix}-DEV`, name: '武汉森嘉置业有限公司', isDeveloper: true } })
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
                name: pick(SURNAMES.split('')) + pick(GIVEN),
                phone: `13${Math.floor(rand() * 10)}${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`,
              },
            });
            previousOwner = owner.id;
            await tx.ownerUnit.create({ data: { ownerId: owner.id, unitId: unit.id } });
            if (ownerSeq % 23 === 0) {
              const co = await tx.owner.create({
                data: { estateId, ownerKey: `${prefix}-${String(ownerSeq).padStart(4, '0')}-B`, name: pick(SURNAMES.split('')) + pick(GIVEN), phone: '' },
              });
              await tx.ownerUnit.create({ data: { ownerId: co.id, unitId: unit.id } });
            }
          }
        }
      }
    }
    return units;
  }
  const senjiaUnits = await buildEstate(senjia.id, SENJIA_BUILDINGS, 'SJ');
  const gjwUnits = await buildEstate(gjw.id, GONGJIAWAN_BUILDINGS, 'GJW');

  const unitAt = (units: typeof senjiaUnits, building: string, entrance: string, room: string) => {
    const u = units.find((x) => x.buildingName === building && x.entrance === entrance && x.room === room);
    if (!u) throw new Error(`demo: no unit ${building} ${entrance}-${room}`);
    return u;
  };
  const buildingIdOf = async (unitId: number) => (await tx.unit.findUniqueOrThrow({ where: { id: unitId } })).buildingId;

  // Accounts. The demo accounts share one known password; the other residents cannot log in ("!").
  const home = unitAt(senjiaUnits, '5号楼', '1', '601');
  const resident = await tx.user.create({
    data: { username: 'resident', passwordHash: demoHash, displayName: '王秀英', phone: '13871234567', role: 'resident', estateId: senjia.id, unitId: home.id, communityId: community.id },
  });
  await tx.owner.updateMany({ where: { units: { some: { unitId: home.id } }, isDeveloper: false }, data: { name: '王秀英', phone: '13871234567' } });
  const homeOwner = await tx.owner.findFirst({ where: { units: { some: { unitId: home.id } }, isDeveloper: false } });
  if (homeOwner) await tx.owner.update({ where: { id: homeOwner.id }, data: { userId: resident.id } });

  const home2 = unitAt(senjiaUnits, '3号楼', '2', '402');
  const resident2 = await tx.user.create({
    data: { username: 'resident2', passwordHash: demoHash, displayName: '孙明', phone: '13995550123', role: 'resident', estateId: senjia.id, unitId: home2.id, communityId: community.id },
  });
  const property = await tx.user.create({
    data: { username: 'property', passwordHash: demoHash, displayName: '刘建国', phone: '13607150001', role: 'property', orgName: '森嘉物业服务有限公司', communityId: community.id, estates: { create: [{ estateId: senjia.id }] } },
  });
  const committee = await tx.user.create({
    data: { username: 'committee', passwordHash: demoHash, displayName: '陈志强', phone: '13707150002', role: 'committee', orgName: '森嘉幸福里业主委员会', communityId: community.id, estates: { create: [{ estateId: senjia.id }] } },
  });
  const communityUser = await tx.user.create({
    data: { username: 'community', passwordHash: demoHash, displayName: '赵丽', phone: '02784440003', role: 'community', orgName: '龚家湾社区党委', communityId: community.id },
  });
  await tx.user.create({
    data: { username: 'admin', passwordHash: demoHash, displayName: '系统管理员', role: 'admin', communityId: community.id },
  });
  // Staff of the second estate and more residents who filed the other demo issues (no known password).
  const gjwProperty = await tx.user.create({
    data: { username: 'gjw_property', passwordHash: '!', displayName: '周海', role: 'property', orgName: '汉阳安居物业', communityId: community.id, estates: { create: [{ estateId: gjw.id }] } },
  });
  const otherResidents: { id: number; unitId: number; buildingId: number; estateId: number }[] = [];
  for (let i = 0; i < 14; i++) {
    const inSenjia = i < 11;
    const unit = inSenjia ? senjiaUnits[(i * 29 + 7) % senjiaUnits.length] : gjwUnits[(i * 13) % gjwUnits.length];
    if (!unit) continue;
    const user = await tx.user.create({
      data: {
        username: `demo_resident_${i + 1}`,
        passwordHash: '!',
        displayName: pick(SURNAMES.split('')) + pick(GIVEN),
        phone: `15${String(100000000 + i * 7919).slice(0, 9)}`,
        role: 'resident',
        estateId: inSenjia ? senjia.id : gjw.id,
        unitId: unit.id,
        communityId: community.id,
      },
    });
    otherResidents.push({ id: user.id, unitId: unit.id, buildingId: await buildingIdOf(unit.id), estateId: inSenjia ? senjia.id : gjw.id });
  }

  const actorFor = (user: { id: number; username: string; displayName: string; role: string }, estateIds: number[], extra: Partial<Actor> = {}): Actor => ({
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role as Actor['role'],
    communityId: community.id,
    estateIds,
    homeEstateId: null,
    unitId: null,
    buildingId: null,
    isTenant: false,
    orgName: '',
    locale: 'zh-CN',
    sessionId: 'seed',
    ...extra,
  });
  const actors = {
    property: actorFor(property, [senjia.id]),
    committee: actorFor(committee, [senjia.id]),
    community: actorFor(communityUser, [senjia.id, gjw.id]),
    gjwProperty: actorFor(gjwProperty, [gjw.id]),
  };
  const residentActor = (r: { id: number; estateId: number }) => actorFor({ id: r.id, username: '', displayName: '', role: 'resident' }, [r.estateId], { homeEstateId: r.estateId });

  let submission = 0;
  async function story(opts: {
    reporter: { id: number; estateId: number; unitId: number; buildingId: number };
    code: string;
    location: 'unit' | 'building' | 'estate';
    title: string;
    description: string;
    daysAgo: number;
    steps: [IssueAction, 'property' | 'committee' | 'community' | 'reporter' | 'system', IssueActionInput?, number?][];
    supporters?: number[];
  }) {
    const cat = category(opts.code);
    let at = new Date(now.getTime() - opts.daysAgo * day);
    const due = dueDates(cat, at);
    submission += 1;
    const issue = await tx.issue.create({
      data: {
        estateId: opts.reporter.estateId,
        buildingId: opts.location === 'estate' ? null : opts.reporter.buildingId,
        unitId: opts.location === 'unit' ? opts.reporter.unitId : null,
        locationType: opts.location,
        isPublic: opts.location !== 'unit',
        categoryId: cat.id,
        emergency: cat.emergency,
        title: opts.title,
        description: opts.description,
        reporterId: opts.reporter.id,
        submissionKey: `demo-seed-${submission}`,
        respondBy: due.respondBy,
        resolveBy: due.resolveBy,
        createdAt: at,
        updatedAt: at,
      },
    });
    await tx.issueEvent.create({ data: { issueId: issue.id, actorId: opts.reporter.id, actorRole: 'resident', action: 'submit', toState: 'submitted', createdAt: at } });
    for (const [action, who, input = {}, hoursLater = 5] of opts.steps) {
      at = new Date(at.getTime() + hoursLater * 3_600_000);
      const actor =
        who === 'system'
          ? 'system'
          : who === 'reporter'
            ? residentActor(opts.reporter)
            : who === 'property' && opts.reporter.estateId === gjw.id
              ? actors.gjwProperty
              : actors[who];
      await performIssueAction(tx, actor, issue.id, action, input, { now: at });
    }
    for (const userId of opts.supporters ?? []) {
      await tx.support.create({ data: { issueId: issue.id, userId, createdAt: at } });
    }
    return issue.id;
  }

  const me = { id: resident.id, estateId: senjia.id, unitId: home.id, buildingId: await buildingIdOf(home.id) };
  const me2 = { id: resident2.id, estateId: senjia.id, unitId: home2.id, buildingId: await buildingIdOf(home2.id) };
  const R = otherResidents;
  const r = (i: number) => R[i % R.length] as (typeof R)[number];
  const inDays = (d: number, from = now) => new Date(from.getTime() + d * day);
  const assign = (party: string, days: number, from: Date): IssueActionInput => ({ party, dueAt: inDays(days, from) });
  const ago = (d: number) => new Date(now.getTime() - d * day);

  // The story of DOMAIN.md: building 5's roof leaks; the repair of the 2,400 m² roof needs the fund.
  await story({
    reporter: me,
    code: 'roof_leak',
    location: 'building',
    title: '5号楼顶楼屋面漏水，601、602 等多户天花板渗水',
    description:
      '最近几场雨后，5号楼顶楼（6楼）多户天花板渗水、墙皮脱落，601 卧室已经接了三个盆。屋面防水层老化开裂，物业说面积约 2400 平方米，需要动用住宅专项维修资金整体翻修。请尽快处理。',
    daysAgo: 9,
    steps: [
      ['accept', 'community', assign('property', 15, ago(9)), 3],
      ['start', 'property', {}, 4],
      ['escalate', 'property', { note: '屋面整体翻修约需 38.6 万元，需使用维修资金，部分业主有不同意见，提请三方联席会议议定。' }, 30],
    ],
    supporters: [me2.id, r(3).id, r(4).id, r(6).id],
  });

  // A spread of other issues in every state.
  await story({ reporter: r(0), code: 'lift_fault', location: 'building', title: '1号楼1单元电梯经常停在8楼不动', description: '这周已经三次了，老人上下楼很不方便。', daysAgo: 2, steps: [] });
  await story({ reporter: r(1), code: 'sanitation', location: 'estate', title: '南门垃圾站周末无人清运', description: '周六周日垃圾堆到路边，气味很大。', daysAgo: 1, steps: [], supporters: [me.id] });
  await story({ reporter: me2, code: 'parking', location: 'estate', title: '消防通道被私家车长期占用', description: '3号楼和4号楼之间的消防通道每天晚上都停满车。', daysAgo: 0.2, steps: [] });
  await story({ reporter: r(2), code: 'water_drainage', location: 'unit', title: '厨房下水道反水', description: '楼上一用水我家厨房地漏就往外冒水。', daysAgo: 3, steps: [['accept', 'community', assign('property', 3, ago(3)), 2]] });
  await story({ reporter: r(5), code: 'greening', location: 'estate', title: '中心花园的树枝挡住路灯', description: '晚上花园步道很黑，树枝需要修剪。', daysAgo: 6, steps: [['accept', 'community', assign('property', 7, ago(6)), 20], ['start', 'property', {}, 24]] });
  await story({ reporter: r(7), code: 'noise', location: 'building', title: '6号楼底商KTV深夜噪音', description: '每天凌晨一两点还很吵。', daysAgo: 5, steps: [['accept', 'community', assign('community', 7, ago(5)), 6], ['start', 'community', {}, 10]] });
  await story({ reporter: r(8), code: 'property_service', location: 'estate', title: '物业费收费标准公示不清', description: '希望物业公示今年的收支明细。', daysAgo: 12, steps: [['accept', 'community', assign('property', 7, ago(12)), 5], ['start', 'property', {}, 5], ['handoff', 'property', { party: 'committee', reason: '收支公示需业委会审核后发布' }, 24]] });
  await story({ reporter: r(9), code: 'fund_dispute', location: 'estate', title: '维修资金账户余额多少？业主要求公开', description: '想知道本小区维修资金账户还有多少钱。', daysAgo: 14, steps: [['accept', 'community', assign('committee', 10, ago(14)), 8], ['start', 'committee', {}, 4], ['handoff', 'committee', { party: 'property', reason: '账户明细由物业向住建部门调取' }, 30], ['start', 'property', {}, 10], ['handoff', 'property', { party: 'committee', reason: '物业无权查询，请业委会向住建局申请' }, 20]] });
  await story({ reporter: r(10), code: 'security', location: 'estate', title: '东门门禁坏了，陌生人随意进出', description: '门禁刷卡没反应，门一直开着。', daysAgo: 4, steps: [['accept', 'community', assign('property', 2, ago(4)), 1], ['start', 'property', {}, 2], ['resolve', 'property', { note: '已更换门禁控制板，测试正常。' }, 20]] });
  await story({ reporter: me, code: 'lift_entrapment', location: 'building', title: '5号楼2单元电梯困人', description: '电梯停在3楼和4楼之间，里面有人。', daysAgo: 20, steps: [['accept', 'community', assign('property', 1, ago(20)), 0.2], ['start', 'property', {}, 0.1], ['resolve', 'property', { note: '维保人员 25 分钟到场救出被困人员，更换门锁回路继电器。' }, 1], ['confirm', 'reporter', { rating: 'satisfied', ratingComment: '来得很快' }, 5]] });
  await story({ reporter: r(2), code: 'sanitation', location: 'building', title: '2号楼楼道小广告太多', description: '楼道墙上贴满了小广告。', daysAgo: 25, steps: [['accept', 'community', assign('property', 7, ago(25)), 5], ['start', 'property', {}, 5], ['resolve', 'property', { note: '已清理并粉刷。' }, 48], ['confirm', 'reporter', { rating: 'basically_satisfied' }, 24]] });
  await story({ reporter: r(3), code: 'water_drainage', location: 'building', title: '3号楼地下室积水', description: '下雨后地下室积水到脚踝。', daysAgo: 30, steps: [['accept', 'community', assign('property', 3, ago(30)), 3], ['start', 'property', {}, 3], ['resolve', 'property', { note: '已疏通排水沟。' }, 30], ['reopen', 'reporter', {}, 48], ['resolve', 'property', { note: '加装了一台排水泵。' }, 48], ['confirm', 'reporter', { rating: 'dissatisfied', ratingComment: '拖了太久' }, 24]] });
  await story({ reporter: r(4), code: 'other', location: 'estate', title: '建议在小区里开一家超市', description: '买东西不方便。', daysAgo: 10, steps: [['reject', 'community', { reason: '属于商业经营事项，不在物业和业委会职责范围内。已转告街道商务部门参考。' }, 20]] });
  await story({ reporter: r(5), code: 'power_outage', location: 'building', title: '4号楼公共照明全部不亮', description: '楼道灯全黑。', daysAgo: 18, steps: [['accept', 'community', assign('property', 3, ago(18)), 4], ['start', 'property', {}, 2], ['resolve', 'property', { note: '更换了漏电保护器。' }, 10], ['auto_close', 'system', {}, 24 * 8]] });
  await story({ reporter: r(6), code: 'facade_risk', location: 'building', title: '5号楼外墙瓷砖掉落', description: '5号楼西侧外墙有瓷砖掉下来，差点砸到人。', daysAgo: 7, steps: [['accept', 'community', assign('property', 14, ago(7)), 1], ['start', 'property', {}, 1], ['escalate', 'community', { note: '外墙整体维修涉及全体业主，提请联席会议。' }, 24]] });
  await story({ reporter: r(7), code: 'greening', location: 'estate', title: '草坪改停车位的争议', description: '有业主提议把中心草坪改成停车位，也有很多人反对。', daysAgo: 16, steps: [['accept', 'community', assign('committee', 14, ago(16)), 10], ['escalate', 'committee', { note: '改变共有部分用途需业主表决，提请联席会议。' }, 48]] });
  await story({ reporter: r(8), code: 'lift_fault', location: 'building', title: '7号楼电梯异响', description: '运行时有很大的摩擦声。', daysAgo: 8, steps: [['accept', 'community', assign('property', 3, ago(8)), 30], ['start', 'property', {}, 50]] });
  await story({ reporter: r(11), code: 'water_drainage', location: 'building', title: '1栋二次供水水压不足', description: '7楼早晚用水高峰几乎没水。', daysAgo: 3, steps: [] });
  await story({ reporter: r(12), code: 'sanitation', location: 'estate', title: '龚家湾小区垃圾分类桶破损', description: '厨余垃圾桶盖子坏了。', daysAgo: 6, steps: [['accept', 'community', assign('property', 7, ago(6)), 5]] });
  await story({ reporter: r(13), code: 'parking', location: 'estate', title: '外来车辆占用小区车位', description: '门卫不登记就放行。', daysAgo: 11, steps: [['accept', 'community', assign('property', 7, ago(11)), 5], ['start', 'property', {}, 5], ['resolve', 'property', { note: '已恢复外来车辆登记。' }, 30]] });
  for (let i = 0; i < 16; i++) {
    const who = r(i + 1);
    const code = pick(['sanitation', 'greening', 'property_service', 'parking', 'noise', 'water_drainage', 'lift_fault', 'other']);
    const titles: Record<string, string> = {
      sanitation: '楼下绿化带有建筑垃圾',
      greening: '草坪长期没人修剪',
      property_service: '物业电话总是打不通',
      parking: '电动车在楼道里充电',
      noise: '装修时间超出规定',
      water_drainage: '雨水井盖松动',
      lift_fault: '电梯按钮失灵',
      other: '单元门口路灯不亮',
    };
    const start = 3 + i * 2;
    const steps: [IssueAction, 'property' | 'committee' | 'community' | 'reporter' | 'system', IssueActionInput?, number?][] =
      i % 4 === 0
        ? []
        : i % 4 === 1
          ? [['accept', 'community', assign(code === 'noise' ? 'community' : 'property', 7, ago(start)), 6]]
          : i % 4 === 2
            ? [['accept', 'community', assign('property', 7, ago(start)), 6], ['start', 'property', {}, 6], ['resolve', 'property', { note: '已处理完毕。' }, 40]]
            : [['accept', 'community', assign('property', 7, ago(start)), 30], ['start', 'property', {}, 12], ['resolve', 'property', { note: '已处理。' }, 60], ['confirm', 'reporter', { rating: i % 8 === 3 ? 'satisfied' : 'basically_satisfied' }, 12]];
    await story({ reporter: who, code, location: i % 3 === 0 ? 'unit' : 'building', title: titles[code] as string, description: `${titles[code]}，请尽快处理。`, daysAgo: start, steps });
  }
  await seedDemoMeetings(tx, { now, estate: senjia, communityActor: actors.community, users: { community: communityUser, property, committee, resident, resident2 } });
  await seedDemoVotes(tx, { now });
  // The demo's notifications are history: they sit in the inboxes but are not sent to outside channels.
  await tx.notification.updateMany({ where: { deliveredAt: null }, data: { deliveredAt: now } });
}

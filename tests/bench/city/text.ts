import type { Rng } from './random.ts';

/** The words the city is written in: names of people and places, and what residents and staff write. */

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split(
    '',
  );
const GIVEN =
  '伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 建华 文 华 金凤 玉兰 志明 海燕 红 建国 晓东 丹 浩 子涵 雨轩 欣怡 宇航 思远'.split(
    ' ',
  );

export function personName(rng: Rng): string {
  return rng.pick(SURNAMES) + rng.pick(GIVEN);
}

export function mobile(rng: Rng): string {
  return `1${rng.pick(['3', '5', '7', '8', '9'])}${rng.int(0, 9)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
}

const PLACE_A =
  '龚家 汉阳 江岸 青山 洪山 东湖 南湖 黄浦 徐东 沙湖 月湖 琴台 积玉 古田 常青 花桥 后湖 二七 中山 首义 梅苑 珞珈 卓刀 白沙'.split(
    ' ',
  );
const PLACE_B = '湾 桥 路 街 里 坊 岭 堤 港 园 门 台'.split(' ');
const DISTRICTS = ['武汉市汉阳区', '武汉市江岸区', '武汉市武昌区', '武汉市洪山区', '武汉市江汉区', '武汉市青山区'];
const ESTATE_A =
  '森嘉 幸福 锦绣 阳光 金色 绿地 万科 保利 融创 碧桂 龙湖 华润 天骄 紫荆 丽水 翠微 星河 长江 东方 世纪 书香 和平 友谊 同心'.split(
    ' ',
  );
const ESTATE_B = '花园 家园 名苑 雅居 新城 公馆 华府 小区 佳园 苑 府 里 城'.split(' ');
const COMPANIES = ['物业服务有限公司', '物业管理有限公司', '城市服务集团', '物业'];

/** A community name not used before (the table holds names unique). */
export function communityName(rng: Rng, used: Set<string>, index: number): { name: string; district: string } {
  let name = `${rng.pick(PLACE_A)}${rng.pick(PLACE_B)}社区`;
  if (used.has(name)) name = `${name.slice(0, -2)}${index + 1}社区`;
  used.add(name);
  return { name, district: rng.pick(DISTRICTS) };
}

export function estateName(rng: Rng, used: Set<string>, index: number): string {
  let name = `${rng.pick(ESTATE_A)}${rng.pick(ESTATE_B)}`;
  if (used.has(name)) name = `${name}${['一', '二', '三', '四', '五'][index % 5]}期${index + 1}`;
  used.add(name);
  return name;
}

export function propertyCompany(rng: Rng, estate: string): string {
  return `${estate.slice(0, 2)}${rng.pick(COMPANIES)}`;
}

/** What a resident writes when filing, by category code: titles (short) and one line of description. */
const ISSUE_TEXT: Record<string, [string[], string[]]> = {
  roof_leak: [
    ['顶楼屋面漏水', '外墙渗水到卧室', '下雨后天花板渗水', '楼顶防水层开裂'],
    ['每次下雨天花板都渗水，墙皮脱落。', '外墙裂缝渗水，卧室墙面发霉。'],
  ],
  lift_fault: [
    ['电梯经常停在半层', '电梯按钮失灵', '电梯运行异响', '电梯门关不严'],
    ['这周已经好几次了，老人上下楼很不方便。', '运行时有很大的摩擦声，大家都不敢坐。'],
  ],
  lift_entrapment: [['电梯困人', '电梯突然停运有人被困'], ['电梯停在两层之间，里面有人，请马上来人。']],
  water_drainage: [
    ['厨房下水道反水', '二次供水水压不足', '雨水井盖松动', '地下室积水'],
    ['楼上一用水我家地漏就往外冒水。', '早晚用水高峰几乎没水。'],
  ],
  power_outage: [['楼道灯全部不亮', '单元停电', '公共照明损坏'], ['楼道一片漆黑，晚上回家很危险。']],
  fire_safety: [['消防栓没有水', '消防通道被堵', '烟感报警器损坏'], ['消防设施失灵，存在安全隐患，请尽快处理。']],
  severe_leak: [['水管爆裂', '楼上漏水严重'], ['水一直往下流，家具都泡了。']],
  facade_risk: [['外墙瓷砖掉落', '空调外机支架松动'], ['差点砸到人，请尽快拉警戒线处理。']],
  sanitation: [
    ['垃圾站无人清运', '楼道小广告太多', '绿化带有建筑垃圾', '垃圾分类桶破损'],
    ['垃圾堆到路边，气味很大。', '已经好几天没人打扫了。'],
  ],
  parking: [
    ['消防通道被私家车占用', '外来车辆占用车位', '电动车在楼道充电'],
    ['每天晚上都停满车，救护车进不来。', '门卫不登记就放行。'],
  ],
  noise: [['装修时间超出规定', '底商深夜噪音', '广场舞音响太大'], ['每天晚上十点以后还很吵，影响休息。']],
  greening: [['草坪长期没人修剪', '树枝挡住路灯', '枯树有倒伏危险'], ['请物业安排修剪。']],
  security: [['门禁坏了陌生人随意进出', '监控摄像头不工作', '单元门锁损坏'], ['门一直开着，大家很担心安全。']],
  property_service: [['物业电话总是打不通', '物业费收支公示不清', '维修响应太慢'], ['希望物业改进服务，公示收支明细。']],
  fund_dispute: [['维修资金余额要求公开', '维修资金使用不透明'], ['想知道本小区维修资金账户还有多少钱。']],
  other: [['单元门口路灯不亮', '建议增设快递柜', '信报箱损坏'], ['请尽快处理，谢谢。']],
};

export function issueText(rng: Rng, code: string, where: string): { title: string; description: string } {
  const [titles, lines] = ISSUE_TEXT[code] ?? (ISSUE_TEXT.other as [string[], string[]]);
  const title = `${where}${rng.pick(titles)}`;
  return { title, description: `${where}${rng.pick(lines)}请尽快处理。` };
}

export const RESOLVE_NOTES = [
  '已安排维修人员上门处理，现已恢复正常。',
  '已更换损坏部件，测试正常。',
  '已清理完毕，并加强日常巡查。',
  '已疏通管道，后续继续观察。',
  '已协调相关单位处理完毕。',
];
export const REJECT_REASONS = [
  '属于业主户内自有设施，不在公共维修范围内，已告知处理途径。',
  '属于商业经营事项，不在物业和业委会职责范围内。',
  '重复诉求，已在原诉求中处理。',
];
export const HANDOFF_REASONS = ['该事项需业委会审核后处理', '涉及公共收益，请业委会牵头', '需物业先行维修', '属于社区协调事项'];
export const COMMENTS = [
  '请问什么时候能来处理？',
  '已经联系了师傅，明天上午上门。',
  '谢谢，辛苦了。',
  '问题还是存在，麻烦再看一下。',
  '已拍照留存，等待维修。',
  '同楼的邻居也有同样的问题。',
];
export const RATING_COMMENTS = ['', '', '来得很快', '处理及时', '拖了太久', '态度很好'];
export const NOTICE_TITLES = ['停水通知', '电梯年检公告', '消防演练通知', '物业费收支公示', '绿化养护安排', '春节安全提示'];

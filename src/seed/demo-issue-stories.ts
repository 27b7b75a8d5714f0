import type { IssueAction } from '../domain/issue-workflow.ts';
import type { IssueActionInput } from '../modules/issues/index.ts';
import type { DemoReporter } from './demo-people.ts';

type StoryParty = 'property' | 'committee' | 'community' | 'reporter' | 'system';
/** One step of an issue's life: the action, who takes it, its input, and how many hours after the last step. */
export type StoryStep = [IssueAction, StoryParty, IssueActionInput?, number?];

/** One demo issue: filed by the reporter `daysAgo` before now, then walked through its steps. */
export interface DemoStory {
  reporter: DemoReporter;
  code: string;
  location: 'unit' | 'building' | 'estate';
  title: string;
  description: string;
  daysAgo: number;
  steps: StoryStep[];
  supporters?: number[];
  /** Reported by phone or at the desk and registered by community staff under the resident's account. */
  channel?: 'phone' | 'desk';
}

/** Who the fixed stories are about, and the clock helpers they are dated with. */
export interface StoryCast {
  /** 王秀英, the demo resident (5号楼 1单元 601). */
  me: DemoReporter;
  /** 孙明, the second demo resident (3号楼). */
  me2: DemoReporter;
  /** The i-th of the other residents, round the list. */
  r: (i: number) => DemoReporter;
  assign: (party: string, days: number, from: Date) => IssueActionInput;
  ago: (days: number) => Date;
}

/** The hand-written issues of the demo, in the order they are filed. */
export function fixedStories(cast: StoryCast): DemoStory[] {
  const { me, me2, r, assign, ago } = cast;
  return [
    // The story of docs/domain.md: building 5's roof leaks; the repair of the 2,400 m² roof needs the fund.
    {
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
        [
          'escalate',
          'property',
          { note: '屋面整体翻修约需 38.6 万元，需使用维修资金，部分业主有不同意见，提请三方联席会议议定。' },
          30,
        ],
      ],
      supporters: [me2.id, r(3).id, r(4).id, r(6).id],
    },

    // A spread of other issues in every state.
    {
      reporter: r(0),
      code: 'lift_fault',
      location: 'building',
      title: '1号楼1单元电梯经常停在8楼不动',
      description: '这周已经三次了，老人上下楼很不方便。',
      daysAgo: 2,
      steps: [],
    },
    {
      reporter: r(1),
      code: 'sanitation',
      location: 'estate',
      title: '南门垃圾站周末无人清运',
      description: '周六周日垃圾堆到路边，气味很大。',
      daysAgo: 1,
      steps: [],
      supporters: [me.id],
    },
    {
      reporter: me2,
      code: 'parking',
      location: 'estate',
      title: '消防通道被私家车长期占用',
      description: '3号楼和4号楼之间的消防通道每天晚上都停满车。',
      daysAgo: 0.2,
      steps: [],
    },
    {
      reporter: r(2),
      code: 'water_drainage',
      location: 'unit',
      title: '厨房下水道反水',
      description: '楼上一用水我家厨房地漏就往外冒水。',
      daysAgo: 3,
      channel: 'phone',
      steps: [['accept', 'community', assign('property', 3, ago(3)), 2]],
    },
    {
      reporter: r(5),
      code: 'greening',
      location: 'estate',
      title: '中心花园的树枝挡住路灯',
      description: '晚上花园步道很黑，树枝需要修剪。',
      daysAgo: 6,
      steps: [
        ['accept', 'community', assign('property', 7, ago(6)), 20],
        ['start', 'property', {}, 24],
      ],
    },
    {
      reporter: r(7),
      code: 'noise',
      location: 'building',
      title: '6号楼底商KTV深夜噪音',
      description: '每天凌晨一两点还很吵。',
      daysAgo: 5,
      steps: [
        ['accept', 'community', assign('community', 7, ago(5)), 6],
        ['start', 'community', {}, 10],
      ],
    },
    {
      reporter: r(8),
      code: 'property_service',
      location: 'estate',
      title: '物业费收费标准公示不清',
      description: '希望物业公示今年的收支明细。',
      daysAgo: 12,
      steps: [
        ['accept', 'community', assign('property', 7, ago(12)), 5],
        ['start', 'property', {}, 5],
        ['handoff', 'property', { party: 'committee', reason: '收支公示需业委会审核后发布' }, 24],
      ],
    },
    {
      reporter: r(9),
      code: 'fund_dispute',
      location: 'estate',
      title: '维修资金账户余额多少？业主要求公开',
      description: '想知道本小区维修资金账户还有多少钱。',
      daysAgo: 14,
      steps: [
        ['accept', 'community', assign('committee', 10, ago(14)), 8],
        ['start', 'committee', {}, 4],
        ['handoff', 'committee', { party: 'property', reason: '账户明细由物业向住建部门调取' }, 30],
        ['start', 'property', {}, 10],
        ['handoff', 'property', { party: 'committee', reason: '物业无权查询，请业委会向住建局申请' }, 20],
      ],
    },
    {
      reporter: r(10),
      code: 'security',
      location: 'estate',
      title: '东门门禁坏了，陌生人随意进出',
      description: '门禁刷卡没反应，门一直开着。',
      daysAgo: 4,
      steps: [
        ['accept', 'community', assign('property', 2, ago(4)), 1],
        ['start', 'property', {}, 2],
        ['resolve', 'property', { note: '已更换门禁控制板，测试正常。' }, 20],
      ],
    },
    {
      reporter: me,
      code: 'lift_entrapment',
      location: 'building',
      title: '5号楼2单元电梯困人',
      description: '电梯停在3楼和4楼之间，里面有人。',
      daysAgo: 20,
      steps: [
        ['accept', 'community', assign('property', 1, ago(20)), 0.2],
        ['start', 'property', {}, 0.1],
        ['resolve', 'property', { note: '维保人员 25 分钟到场救出被困人员，更换门锁回路继电器。' }, 1],
        ['confirm', 'reporter', { rating: 'satisfied', ratingComment: '来得很快' }, 5],
      ],
    },
    {
      reporter: r(2),
      code: 'sanitation',
      location: 'building',
      title: '2号楼楼道小广告太多',
      description: '楼道墙上贴满了小广告。',
      daysAgo: 25,
      steps: [
        ['accept', 'community', assign('property', 7, ago(25)), 5],
        ['start', 'property', {}, 5],
        ['resolve', 'property', { note: '已清理并粉刷。' }, 48],
        ['confirm', 'reporter', { rating: 'basically_satisfied' }, 24],
      ],
    },
    {
      reporter: r(3),
      code: 'water_drainage',
      location: 'building',
      title: '3号楼地下室积水',
      description: '下雨后地下室积水到脚踝。',
      daysAgo: 30,
      steps: [
        ['accept', 'community', assign('property', 3, ago(30)), 3],
        ['start', 'property', {}, 3],
        ['resolve', 'property', { note: '已疏通排水沟。' }, 30],
        ['reopen', 'reporter', {}, 48],
        ['resolve', 'property', { note: '加装了一台排水泵。' }, 48],
        ['confirm', 'reporter', { rating: 'dissatisfied', ratingComment: '拖了太久' }, 24],
      ],
    },
    {
      reporter: r(4),
      code: 'other',
      location: 'estate',
      title: '建议在小区里开一家超市',
      description: '买东西不方便。',
      daysAgo: 10,
      steps: [['reject', 'community', { reason: '属于商业经营事项，不在物业和业委会职责范围内。已转告街道商务部门参考。' }, 20]],
    },
    {
      reporter: r(5),
      code: 'power_outage',
      location: 'building',
      title: '4号楼公共照明全部不亮',
      description: '楼道灯全黑。',
      daysAgo: 18,
      steps: [
        ['accept', 'community', assign('property', 3, ago(18)), 4],
        ['start', 'property', {}, 2],
        ['resolve', 'property', { note: '更换了漏电保护器。' }, 10],
        ['auto_close', 'system', {}, 24 * 8],
      ],
    },
    {
      reporter: r(6),
      code: 'facade_risk',
      location: 'building',
      title: '5号楼外墙瓷砖掉落',
      description: '5号楼西侧外墙有瓷砖掉下来，差点砸到人。',
      daysAgo: 7,
      steps: [
        ['accept', 'community', assign('property', 14, ago(7)), 1],
        ['start', 'property', {}, 1],
        ['escalate', 'community', { note: '外墙整体维修涉及全体业主，提请联席会议。' }, 24],
      ],
    },
    {
      reporter: r(7),
      code: 'greening',
      location: 'estate',
      title: '草坪改停车位的争议',
      description: '有业主提议把中心草坪改成停车位，也有很多人反对。',
      daysAgo: 16,
      steps: [
        ['accept', 'community', assign('committee', 14, ago(16)), 10],
        ['escalate', 'committee', { note: '改变共有部分用途需业主表决，提请联席会议。' }, 48],
      ],
    },
    {
      reporter: r(8),
      code: 'lift_fault',
      location: 'building',
      title: '7号楼电梯异响',
      description: '运行时有很大的摩擦声。',
      daysAgo: 8,
      steps: [
        ['accept', 'community', assign('property', 3, ago(8)), 30],
        ['start', 'property', {}, 50],
      ],
    },
    {
      reporter: r(11),
      code: 'water_drainage',
      location: 'building',
      title: '1栋二次供水水压不足',
      description: '7楼早晚用水高峰几乎没水。',
      daysAgo: 3,
      steps: [],
    },
    {
      reporter: r(12),
      code: 'sanitation',
      location: 'estate',
      title: '龚家湾小区垃圾分类桶破损',
      description: '厨余垃圾桶盖子坏了。',
      daysAgo: 6,
      steps: [['accept', 'community', assign('property', 7, ago(6)), 5]],
    },
    {
      reporter: r(13),
      code: 'parking',
      location: 'estate',
      title: '外来车辆占用小区车位',
      description: '门卫不登记就放行。',
      daysAgo: 11,
      steps: [
        ['accept', 'community', assign('property', 7, ago(11)), 5],
        ['start', 'property', {}, 5],
        ['resolve', 'property', { note: '已恢复外来车辆登记。' }, 30],
      ],
    },
  ];
}

/** The demo's source of chance: one seeded PRNG whose calls, in order, decide every generated name and number. */
export interface DemoRandom {
  /** The next number in [0, 1). */
  rand: () => number;
  pick: <T>(items: readonly T[]) => T;
  /** A Chinese full name: a surname, then a given name (two draws, in that order). */
  personName: () => string;
}

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

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '秀英',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀兰',
  '霞',
  '平',
  '刚',
  '桂英',
  '建华',
  '文',
  '华',
  '金凤',
  '玉兰',
  '志明',
  '海燕',
  '红',
  '建国',
  '晓东',
  '丹',
  '浩',
  '子涵',
  '雨轩',
  '欣怡',
  '宇航',
  '思远',
];

export function createDemoRandom(seed: number): DemoRandom {
  const rand = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  return { rand, pick, personName: () => pick(SURNAMES.split('')) + pick(GIVEN) };
}

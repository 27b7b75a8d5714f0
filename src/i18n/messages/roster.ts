import type { Catalogue } from '../types.ts';

/** The owner roster while a vote is open (issue #10): what is refused, and why. */
export const messages: Catalogue = {
  'zh-CN': {
    'roster.locked.unit':
      '这套房屋在表决“{title}”的表决范围内，表决正在进行，{closesAt} 截止。截止前不能修改它的面积、楼层或业主，本次没有保存任何修改。',
    'roster.locked.unitHint': '表决范围内房屋的名册在投票开始时已登记，表决结束后才能修改，以免改变谁的票计入、按多少面积计入。',
    'roster.locked.importTitle': '名册文件涉及正在表决的房屋，本次没有导入。',
    'roster.locked.importVote': '表决“{title}”（{closesAt} 截止）范围内的 {n} 套房屋',
    'roster.locked.andMore': '等，另有 {n} 套',
    'roster.locked.importHint': '请从文件中删去这些房屋的行后重新导入，或等表决结束后再导入。',
    'roster.locked.tag': '表决中，暂不能修改',
  },
  en: {
    'roster.locked.unit':
      'This home is in the electorate of the vote “{title}”, which is open until {closesAt}. Its area, floor and owners cannot be changed before then; nothing was saved.',
    'roster.locked.unitHint':
      'The roster of a vote’s homes was recorded when voting began. It can be changed once the vote closes, so that whose ballot counts, and for how much area, does not change during the vote.',
    'roster.locked.importTitle': 'The roster file touches homes of an open vote. Nothing was imported.',
    'roster.locked.importVote': '{n} home(s) of the vote “{title}” (closes {closesAt})',
    'roster.locked.andMore': 'and {n} more',
    'roster.locked.importHint':
      'Remove the rows of these homes from the file and import it again, or import it after the vote closes.',
    'roster.locked.tag': 'In an open vote: locked',
  },
};

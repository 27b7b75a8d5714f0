import { describe, expect, it } from 'vitest';
import { VOTE_TITLE_MAX, checkVoteTitle, suggestVoteTitle, type VoteTitleParts } from '../../src/domain/vote-title.ts';

const zh = (over: Partial<VoteTitleParts> = {}): VoteTitleParts => ({
  locale: 'zh-CN',
  matter: 'use_fund',
  matterLabel: '使用维修资金',
  categoryName: '屋面/外墙渗漏',
  buildingNames: ['5号楼'],
  estateName: '甲小区',
  ...over,
});
const en = (over: Partial<VoteTitleParts> = {}): VoteTitleParts => ({
  ...zh(),
  locale: 'en',
  matterLabel: 'Raise the maintenance fund',
  categoryName: 'Roof or wall leak',
  ...over,
});

describe('suggestVoteTitle', () => {
  it.each<[string, VoteTitleParts, string]>([
    ['using the fund for one building names the works and the building', zh(), '使用维修资金维修5号楼屋面/外墙渗漏'],
    [
      'several buildings are listed with the enumeration comma',
      zh({ buildingNames: ['5号楼', '6号楼'] }),
      '使用维修资金维修5号楼、6号楼屋面/外墙渗漏',
    ],
    ['a vote about the whole estate names the estate', zh({ buildingNames: [] }), '使用维修资金维修甲小区屋面/外墙渗漏'],
    ['without a category the works are the common parts', zh({ categoryName: null }), '使用维修资金维修5号楼共用部位'],
    [
      'another matter is named by its label',
      zh({ matter: 'raise_fund', matterLabel: '筹集维修资金', categoryName: null }),
      '5号楼筹集维修资金',
    ],
    [
      'another matter keeps the category as context',
      zh({ matter: 'rebuild', matterLabel: '改建、重建建筑物' }),
      '5号楼屋面/外墙渗漏：改建、重建建筑物',
    ],
    ['in English, the use of the fund', en(), 'Use of the maintenance fund to repair roof or wall leak at 5号楼'],
    [
      'in English, the common parts of the estate',
      en({ categoryName: null, buildingNames: [] }),
      'Use of the maintenance fund to repair common parts of 甲小区',
    ],
    ['in English, another matter', en({ matter: 'raise_fund', categoryName: null }), 'Raise the maintenance fund: 5号楼'],
  ])('%s', (_name, parts, expected) => {
    expect(suggestVoteTitle(parts)).toBe(expected);
  });

  it('never suggests more than the title field accepts', () => {
    const many = Array.from({ length: 30 }, (_, i) => `${i + 1}号楼`);
    const title = suggestVoteTitle(zh({ buildingNames: many }));
    expect(Array.from(title)).toHaveLength(VOTE_TITLE_MAX);
    expect(checkVoteTitle(title, null)).toBeNull();
  });
});

describe('checkVoteTitle', () => {
  const complaint = '卧室天花板漏水，下雨就滴';
  it.each<[string, string, string | null, unknown]>([
    ['an empty title is required', '   ', complaint, { code: 'required' }],
    ['a neutral title is accepted', '使用维修资金维修5号楼屋面防水', complaint, null],
    ['the complaint’s headline is refused', complaint, complaint, { code: 'vote_title_is_complaint' }],
    [
      'the headline with other spacing and punctuation is refused too',
      ' 卧室天花板漏水 下雨就滴。',
      complaint,
      { code: 'vote_title_is_complaint' },
    ],
    ['a title that merely mentions the leak is accepted', '维修卧室天花板漏水所在屋面', complaint, null],
    ['without an issue any sensible title goes', complaint, null, null],
    ['a title of two characters is too short', '维修', null, { code: 'too_short', params: { min: 3 } }],
    [
      'a title over the limit is too long',
      '修'.repeat(VOTE_TITLE_MAX + 1),
      null,
      { code: 'too_long', params: { max: VOTE_TITLE_MAX } },
    ],
    ['a title at the limit is accepted', '修'.repeat(VOTE_TITLE_MAX), null, null],
  ])('%s', (_name, title, against, expected) => {
    expect(checkVoteTitle(title, against)).toEqual(expected);
  });
});

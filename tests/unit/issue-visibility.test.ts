import { describe, expect, it } from 'vitest';
import { visibleIssues } from '../../src/domain/issue-visibility.ts';

const base = { userId: 7, homeEstateId: null as number | null, estateIds: [] as number[] };

describe('which issues an actor may see', () => {
  it.each([
    ['an admin sees every issue', { ...base, role: 'admin' }, {}],
    ['a resident without a home estate sees only their own', { ...base, role: 'resident' }, { reporterId: 7 }],
    [
      'a resident sees their own and the public issues of their estate',
      { ...base, role: 'resident', homeEstateId: 3, estateIds: [3] },
      { estateId: 3, OR: [{ reporterId: 7 }, { isPublic: true }] },
    ],
    ['property staff see the estates they serve', { ...base, role: 'property', estateIds: [3, 4] }, { estateId: { in: [3, 4] } }],
    ['a committee member sees their estate', { ...base, role: 'committee', estateIds: [3] }, { estateId: { in: [3] } }],
    [
      'community staff see their community’s estates',
      { ...base, role: 'community', estateIds: [3, 4, 5] },
      { estateId: { in: [3, 4, 5] } },
    ],
    ['staff serving no estate see nothing', { ...base, role: 'property', estateIds: [] }, { estateId: { in: [] } }],
  ])('%s', (_name, actor, expected) => {
    expect(visibleIssues(actor)).toEqual(expected);
  });
});

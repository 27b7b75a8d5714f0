import { describe, expect, it } from 'vitest';
import { DEVELOPER_VOTER_KEY, keyIncludesOwner, ownerIdsOf, voterKeyOf } from '../../src/domain/voter-keys.ts';
import { tallyVote } from '../../src/domain/vote-tally.ts';

const person = (id: number) => ({ id, isDeveloper: false });
const developer = (id: number) => ({ id, isDeveloper: true });

describe('voterKeyOf', () => {
  it.each([
    ['a sole owner', { unitId: 1, developerUnsold: false, owners: [person(12)] }, 'o:12'],
    [
      'co-owners, sorted whatever their order',
      { unitId: 2, developerUnsold: false, owners: [person(13), person(12)] },
      'o:12+o:13',
    ],
    ['the same owner listed twice', { unitId: 3, developerUnsold: false, owners: [person(7), person(7)] }, 'o:7'],
    ['a unit flagged unsold', { unitId: 4, developerUnsold: true, owners: [] }, DEVELOPER_VOTER_KEY],
    ['a unit owned only by the developer', { unitId: 5, developerUnsold: false, owners: [developer(9)] }, DEVELOPER_VOTER_KEY],
    ['a unit without an owner of record', { unitId: 6, developerUnsold: false, owners: [] }, 'u:6'],
    [
      'a unit sold to a person but still listing the developer',
      { unitId: 7, developerUnsold: false, owners: [developer(9), person(4)] },
      'o:4',
    ],
  ])('keys %s', (_what, unit, key) => {
    expect(voterKeyOf(unit)).toBe(key);
  });

  it('gives one person’s sole units one key, so the tally counts them once with all their area', () => {
    const units = [
      { unitId: '1', areaCentiM2: 9000, voterKey: voterKeyOf({ unitId: 1, developerUnsold: false, owners: [person(3)] }) },
      { unitId: '2', areaCentiM2: 9000, voterKey: voterKeyOf({ unitId: 2, developerUnsold: false, owners: [person(3)] }) },
      { unitId: '3', areaCentiM2: 8000, voterKey: voterKeyOf({ unitId: 3, developerUnsold: true, owners: [] }) },
      { unitId: '4', areaCentiM2: 8000, voterKey: voterKeyOf({ unitId: 4, developerUnsold: true, owners: [] }) },
    ];
    const tally = tallyVote(units, [{ voterKey: 'o:3', choice: 'agree' }], 'use_fund');
    expect(tally.totalHeadcount).toBe(2);
    expect(tally.participatingArea).toBe(18000);
  });
});

describe('ownerIdsOf and keyIncludesOwner', () => {
  it.each([
    ['o:12', [12]],
    ['o:12+o:13', [12, 13]],
    ['developer', []],
    ['u:5', []],
  ])('reads the owners of %s', (key, ids) => {
    expect(ownerIdsOf(key)).toEqual(ids);
  });

  it('does not mistake owner 1 for owner 12', () => {
    expect(keyIncludesOwner('o:12+o:13', 1)).toBe(false);
    expect(keyIncludesOwner('o:12+o:13', 13)).toBe(true);
  });
});

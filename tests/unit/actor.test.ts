import { describe, expect, it } from 'vitest';
import { actorFromUser, type ActorPlaces, type ActorUser } from '../../src/actor.ts';
import type { Role } from '../../src/domain/roles.ts';

const user = (role: Role, fields: Partial<ActorUser> = {}): ActorUser => ({
  id: 7,
  username: 'someone',
  displayName: '某人',
  role,
  communityId: null,
  estateId: null,
  unitId: null,
  isTenant: false,
  orgName: '',
  locale: 'zh-CN',
  ...fields,
});

const places: ActorPlaces = {
  servedEstates: [
    { estateId: 11, communityId: 3 },
    { estateId: 12, communityId: 3 },
  ],
  communityEstateIds: [11, 12, 13],
  buildingId: 40,
};

describe('the signed-in actor is built one way, its scope following the role', () => {
  it.each<[Role, Partial<ActorUser>, number[], number | null]>([
    ['resident', { estateId: 11, unitId: 400, communityId: 3 }, [11], 3],
    ['resident', { estateId: null }, [], null],
    ['property', {}, [11, 12], 3],
    ['committee', { communityId: 5 }, [11, 12], 5],
    ['community', { communityId: 3 }, [11, 12, 13], 3],
    ['admin', {}, [], null],
  ])('a %s %o sees estates %o in community %s', (role, fields, estateIds, communityId) => {
    const actor = actorFromUser(user(role, fields), places, 'sid');
    expect(actor.estateIds).toEqual(estateIds);
    expect(actor.communityId).toBe(communityId);
    expect(actor.role).toBe(role);
  });

  it('carries the account and home fields through unchanged', () => {
    const actor = actorFromUser(
      user('resident', { estateId: 11, unitId: 400, isTenant: true, verified: true, locale: 'en', orgName: '' }),
      places,
      'sid',
    );
    expect(actor).toEqual({
      userId: 7,
      username: 'someone',
      displayName: '某人',
      role: 'resident',
      communityId: null,
      estateIds: [11],
      homeEstateId: 11,
      unitId: 400,
      buildingId: 40,
      isTenant: true,
      verified: true,
      orgName: '',
      locale: 'en',
      sessionId: 'sid',
    });
  });

  it('a property user without served estates has no community unless the account names one', () => {
    expect(actorFromUser(user('property'), { ...places, servedEstates: [] }, 's').communityId).toBeNull();
  });
});

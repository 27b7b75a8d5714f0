import type { Role } from './domain/roles.ts';

/**
 * The signed-in person as every route and service sees them: who, which role, and the scope their
 * queries are limited to. Set once per request by the session plugin (request.actor).
 */
export interface Actor {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  /** Community the actor belongs to (community staff), or the community of their estate(s). */
  communityId: number | null;
  /** Estates the actor may see: a resident's home estate, the estates a property/committee user serves,
   * all estates of a community worker's community. Empty for an admin, who sees everything. */
  estateIds: number[];
  /** A resident's home estate and unit. */
  homeEstateId: number | null;
  unitId: number | null;
  buildingId: number | null;
  isTenant: boolean;
  /** A resident who joined through the join code stays unverified until the property or committee
   * approves them: they may file issues but not vote or add a "me too". Staff accounts are made verified. */
  verified: boolean;
  orgName: string;
  /** The account's saved UI language. */
  locale: string;
  sessionId: string;
}

/** The account fields an actor is made of (a User row has them all). */
export interface ActorUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  communityId: number | null;
  /** A resident's home estate and unit. */
  estateId: number | null;
  unitId: number | null;
  isTenant: boolean;
  /** Absent means not verified: a caller that does not read it never grants the resident's rights. */
  verified?: boolean;
  orgName: string;
  locale: string;
}

/** Where the account is attached, read alongside it: what the actor's scope is derived from. */
export interface ActorPlaces {
  /** Estates a property or committee user serves, each with its community (if known). */
  servedEstates: readonly { estateId: number; communityId: number | null }[];
  /** Every estate of a community worker's community. */
  communityEstateIds: readonly number[];
  /** The building of a resident's unit. */
  buildingId: number | null;
}

/**
 * The one way to build the signed-in actor (session, demo seed, tests): the scope follows from the role.
 * A resident sees their home estate, property and committee users the estates they serve, community
 * staff every estate of their community, an admin everything (no estate list).
 */
export function actorFromUser(user: ActorUser, places: ActorPlaces, sessionId: string): Actor {
  let estateIds: number[] = [];
  let communityId = user.communityId;
  if (user.role === 'resident') estateIds = user.estateId ? [user.estateId] : [];
  else if (user.role === 'community') estateIds = [...places.communityEstateIds];
  else if (user.role === 'property' || user.role === 'committee') {
    estateIds = places.servedEstates.map((e) => e.estateId);
    communityId ??= places.servedEstates[0]?.communityId ?? null;
  }
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    communityId,
    estateIds,
    homeEstateId: user.estateId,
    unitId: user.unitId,
    buildingId: places.buildingId,
    isTenant: user.isTenant,
    verified: user.verified ?? false,
    orgName: user.orgName,
    locale: user.locale,
    sessionId,
  };
}

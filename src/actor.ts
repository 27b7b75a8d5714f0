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
  orgName: string;
  /** The account's saved UI language. */
  locale: string;
  sessionId: string;
}

export const isStaff = (actor: Actor): boolean =>
  actor.role === 'property' || actor.role === 'committee' || actor.role === 'community';

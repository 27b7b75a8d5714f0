import type { Prisma } from '../../generated/prisma/client.ts';
import type { ActorPlaces, ActorUser } from '../../actor.ts';
import { isRole } from '../../domain/roles.ts';

/** What to read of a user to build their actor (actorFromUser): the account, and where it is attached. */
export const actorUserSelect = {
  id: true,
  username: true,
  displayName: true,
  role: true,
  communityId: true,
  estateId: true,
  unitId: true,
  isTenant: true,
  verified: true,
  orgName: true,
  locale: true,
  active: true,
  unit: { select: { buildingId: true } },
  estates: { select: { estateId: true, estate: { select: { communityId: true } } } },
  community: { select: { estates: { select: { id: true } } } },
} satisfies Prisma.UserSelect;

type ActorRow = Prisma.UserGetPayload<{ select: typeof actorUserSelect }>;

/** The actor's makings from a row read with `actorUserSelect`; null when the account may not sign in
 * (deactivated, or a role this app does not know). */
export function actorSource(row: ActorRow): { user: ActorUser; places: ActorPlaces } | null {
  const { role, active, unit, estates, community, ...account } = row;
  if (!active || !isRole(role)) return null;
  return {
    user: { ...account, role },
    places: {
      servedEstates: estates.map((e) => ({ estateId: e.estateId, communityId: e.estate.communityId })),
      communityEstateIds: community?.estates.map((e) => e.id) ?? [],
      buildingId: unit?.buildingId ?? null,
    },
  };
}

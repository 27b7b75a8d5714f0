import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';

/**
 * The issues an actor may see (DOMAIN.md, Scope). Every issue query starts from this; an issue outside
 * it is a 404, never a 403, so its existence does not leak.
 */
export function visibleIssuesWhere(actor: Actor): Prisma.IssueWhereInput {
  switch (actor.role) {
    case 'admin':
      return {};
    case 'resident':
      if (actor.homeEstateId === null) return { reporterId: actor.userId };
      return {
        estateId: actor.homeEstateId,
        OR: [{ reporterId: actor.userId }, { isPublic: true }],
      };
    case 'property':
    case 'committee':
    case 'community':
      return { estateId: { in: actor.estateIds } };
  }
}

/** Whether the actor sees the reporter's name and phone unmasked. */
export function seesReporterIdentity(actor: Actor, reporterId: number): boolean {
  return actor.role !== 'resident' || actor.userId === reporterId;
}

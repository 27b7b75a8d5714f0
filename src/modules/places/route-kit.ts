import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../actor.ts';
import type { Role } from '../../domain/roles.ts';
import { NotFound, Unauthenticated } from '../../errors.ts';
import type { ChangedBy } from './admin-commands.ts';
import type { ListQuery } from './schemas.ts';

/** What every administration route file shares: who may come in, who made a change, a list's search. */

// The guards read request.actor (set by the session plugin) rather than importing the auth module:
// auth reads places (scopes are estates and communities), so places importing auth would be a cycle.
function only(...roles: Role[]) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!request.actor) throw new Unauthenticated();
    if (!roles.includes(request.actor.role)) throw new NotFound();
  };
}

/** Administrators and community staff; to anyone else the pages do not exist (404). */
export const placeStaff = only('admin', 'community');
export const adminOnly = only('admin');
/** Everyone who keeps an estate: the join code and its poster. */
export const estateStaff = only('admin', 'community', 'property', 'committee');

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Unauthenticated();
  return request.actor;
}

export function changedBy(app: FastifyInstance, request: FastifyRequest): ChangedBy {
  const actor = actorOf(request);
  return { who: { userId: actor.userId, displayName: actor.displayName, role: actor.role }, ip: request.ip, now: app.now() };
}

/** The search text (trimmed) and page of a list. */
export function listArgs(query: ListQuery): { q: string; page: number } {
  return { q: (query.q ?? '').trim(), page: query.page ?? 1 };
}

/** Adds `saved=1` to a redirect target: the page then says the change was saved. */
export function saved(path: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}saved=1`;
}

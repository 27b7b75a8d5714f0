import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf, requireRole } from '../../lib/guards.ts';
import type { ChangedBy } from './admin-commands.ts';
import type { ListQuery } from './schemas.ts';

/** What every administration route file shares: who may come in, who made a change, a list's search. */

/** Administrators and community staff; to anyone else the pages do not exist (404). */
export const placeStaff = requireRole('admin', 'community');
export const adminOnly = requireRole('admin');
/** Everyone who keeps an estate: the join code and its poster. */
export const estateStaff = requireRole('admin', 'community', 'property', 'committee');

export { actorOf };

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

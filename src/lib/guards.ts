import type { FastifyRequest } from 'fastify';
import type { Actor } from '../actor.ts';
import type { Role } from '../domain/roles.ts';
import { NotFound, Unauthenticated } from '../errors.ts';

/** preHandler: the route needs a signed-in user. */
export async function requireActor(request: FastifyRequest): Promise<void> {
  if (!request.actor) throw new Unauthenticated();
}

/** preHandler factory: the route is for these roles only; to anyone else it does not exist (404). */
export function requireRole(...roles: Role[]) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!request.actor) throw new Unauthenticated();
    if (!roles.includes(request.actor.role)) throw new NotFound();
  };
}

/** The signed-in actor; only call after requireActor/requireRole. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Unauthenticated();
  return request.actor;
}

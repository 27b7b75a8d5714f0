import type { FastifyInstance } from 'fastify';
import joinRoutes from './routes-join.ts';
import reviewRoutes from './routes-review.ts';

/** The registrations module's routes: joining (public) and reviewing (approvers). */
export default async function registrationsRoutes(app: FastifyInstance) {
  await app.register(joinRoutes);
  await app.register(reviewRoutes);
}

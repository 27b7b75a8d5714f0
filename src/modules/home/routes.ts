import type { FastifyInstance } from 'fastify';

export default async function homeRoutes(app: FastifyInstance) {
  app.get('/healthz', async (_request, reply) => {
    await app.db.$queryRawUnsafe('SELECT 1');
    return reply.header('cache-control', 'no-store').send({ status: 'ok' });
  });

  /** Each role lands on the page they work from. */
  app.get('/', async (request, reply) => {
    const actor = request.actor;
    if (!actor) return reply.redirect('/login', 303);
    if (actor.role === 'resident') return reply.redirect('/issues/mine', 303);
    return reply.redirect('/issues', 303);
  });
}

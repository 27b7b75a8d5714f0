/**
 * The ceiling: a bare Fastify server with one GET route answering a short text, run as its own process
 * by the bench runner and measured like the app, so every page's req/s reads as a share of what the
 * framework, Node and this machine can do at all. HOST and PORT come from the environment.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('ok'));

await app.listen({ host: process.env.HOST || '127.0.0.1', port: Number(process.env.PORT || 3999) });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}

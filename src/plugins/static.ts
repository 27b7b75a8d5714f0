import path from 'node:path';
import { createRequire } from 'node:module';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';

const require = createRequire(import.meta.url);

/** App CSS/images under /public, and htmx from node_modules under /vendor (no CDN). */
export default fp(
  async (app, opts: { root: string }) => {
    await app.register(fastifyStatic, {
      root: path.join(opts.root, 'public'),
      prefix: '/public/',
      maxAge: '1h',
      index: false,
    });
    const htmxDir = path.dirname(require.resolve('htmx.org/dist/htmx.min.js'));
    await app.register(fastifyStatic, {
      root: htmxDir,
      prefix: '/vendor/htmx/',
      decorateReply: false,
      maxAge: '1d',
      index: false,
      allowedPath: (pathName) => pathName === '/htmx.min.js',
    });
  },
  { name: 'static' },
);

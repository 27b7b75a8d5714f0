import cluster from 'node:cluster';
import closeWithGrace from 'close-with-grace';
import { configFromEnvironment, type AppConfig } from './config.ts';
import { buildApp } from './app.ts';
import { startScheduler } from './scheduler.ts';
import { GRACE_MS, SHUTDOWN_MESSAGE, firstStart, greeting, runPrimary } from './cluster.ts';

// The only file that listens. Migrations ran in `npm start`'s prestart step. With WORKERS=n (n > 1) this
// first process becomes the primary of n workers (src/cluster.ts), each of which runs `serve` below on
// the same port; with one, this process serves alone. Workers inherit the primary's environment, .env
// included.
const config = configFromEnvironment();
if (cluster.isPrimary && config.workers > 1) await runPrimary(config);
else await serve(config, cluster.isWorker);

async function serve(config: AppConfig, isWorker: boolean): Promise<void> {
  const app = await buildApp(config);
  // Alone, this process does the first start's work; a worker finds it done by its primary.
  if (!isWorker) await firstStart(app.db, config, app.log);

  // Every process runs the scheduler: each job's lease lets one of them run it (src/scheduler.ts).
  const stopScheduler = config.scheduler ? startScheduler(app) : async () => {};

  let closing = false;
  const { close } = closeWithGrace({ delay: GRACE_MS }, async ({ signal, err }) => {
    closing = true;
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal: signal ?? 'primary' }, 'shutting down');
    await stopScheduler();
    // app.close() stops listening and waits for the requests in flight, but Node lets go of idle
    // connections only once, at the start: a browser's keep-alive connection whose request finishes
    // later would stay open (Fastify's keepAliveTimeout is 72 s) and hold the exit past the grace. Until
    // the close is done, each connection goes as soon as its last answer has been sent.
    const letGoOfIdle = setInterval(() => app.server.closeIdleConnections(), 50);
    try {
      await app.close();
    } finally {
      clearInterval(letGoOfIdle);
    }
  });
  if (isWorker) {
    // The primary asks its workers to stop (on its own SIGTERM or SIGINT); a worker whose primary has
    // gone stops too, rather than serving on unsupervised. A terminal's Ctrl-C reaches every process at
    // once: a worker already closing ignores the primary's request.
    const stop = () => {
      if (!closing) close();
    };
    process.on('message', (message) => {
      if (message === SHUTDOWN_MESSAGE) stop();
    });
    process.on('disconnect', stop);
  }

  await app.listen({ host: config.host, port: config.port });
  if (!isWorker) console.log(await greeting(app.db, config));
}

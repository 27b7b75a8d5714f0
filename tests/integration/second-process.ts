/**
 * A second server process for the concurrency tests (not a test file; started by concurrent-fixtures.ts
 * with `node --import tsx`). It builds the real app on the test's database file and answers the test's
 * requests over IPC, so its transactions run truly alongside the test process's own app: in one Node
 * process two app instances never contend, since a transaction (better-sqlite3 is synchronous) runs to
 * its end within one turn of the event loop.
 */
import type { InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { AppConfig } from '../../src/config.ts';
import { runJobsOnce, type RunOptions } from '../../src/scheduler.ts';
import type { NewNotification } from '../../src/modules/notifications/index.ts';

type Request =
  | { id: number; type: 'inject'; options: InjectOptions }
  | { id: number; type: 'runJobs'; now: string; options: RunOptions }
  | { id: number; type: 'clock'; now: string }
  | { id: number; type: 'close' };

const send = (message: unknown) => process.send?.(message);

const config = JSON.parse(process.env.SANFANG_SECOND_PROCESS_CONFIG ?? '') as AppConfig;
const clock = { now: new Date(process.env.SANFANG_SECOND_PROCESS_NOW ?? '') };
const app = await buildApp(config, { now: () => clock.now, logger: false });
await app.ready();

/** What this process handed to an outside channel during one `runJobs` (a job run twice delivers twice). */
let delivered: string[] = [];
app.deliveryChannels.push({
  name: 'counting',
  async deliver(notifications: NewNotification[]) {
    for (const n of notifications) delivered.push(`${n.userId}:${n.kind}:${n.issueId ?? ''}`);
  },
});

async function answer(request: Request): Promise<unknown> {
  switch (request.type) {
    case 'inject': {
      const { payload } = request.options;
      // IPC hands a Buffer over as a plain Uint8Array
      const options = payload instanceof Uint8Array ? { ...request.options, payload: Buffer.from(payload) } : request.options;
      const res = await app.inject(options);
      return { statusCode: res.statusCode, headers: res.headers, body: res.body, cookies: res.cookies };
    }
    case 'runJobs': {
      delivered = [];
      const report = await runJobsOnce(app, new Date(request.now), request.options);
      return { report, delivered };
    }
    case 'clock':
      clock.now = new Date(request.now);
      return null;
    case 'close':
      await app.close();
      return null;
  }
}

process.on('message', (request: Request) => {
  answer(request).then(
    (result) => {
      send({ id: request.id, result });
      if (request.type === 'close') process.disconnect();
    },
    (error: unknown) => send({ id: request.id, error: String((error as Error)?.stack ?? error) }),
  );
});
// The test gone, this process goes too.
process.on('disconnect', () => process.exit(0));
send({ ready: true });

import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { GRACE_MS } from '../../src/cluster.ts';
import { openDatabase } from '../../src/plugins/db.ts';
import { IMAGES } from '../helpers/client.ts';
import { PASSWORD } from '../helpers/world.ts';
import { Browser } from '../bench/runner/browser.ts';
import { bareEnv, freePort, startServer, waitForGreeting, worldOnDisk, type ServerProcess } from './server-process.ts';

/**
 * SIGTERM lets requests in flight finish (issue #13, item 4): a resident's filing whose photo is still
 * uploading when the server is told to stop is answered as usual and stored, the port refuses new
 * connections meanwhile, and the process exits 0 within the grace period. With WORKERS=2 the primary
 * passes the signal to its workers.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A multipart filing form, as a browser sends it: the fields, then one photo. */
function filingBody(csrf: string, categoryId: number, title: string): { body: Buffer; contentType: string } {
  const boundary = `----sanfang${randomUUID()}`;
  const fields = {
    _csrf: csrf,
    categoryId: String(categoryId),
    locationType: 'building',
    locationNote: '',
    title,
    description: '楼道灯坏了，晚上一片黑。',
    submissionKey: randomUUID(),
    similarChecked: '1',
  };
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  const body = Buffer.concat([
    Buffer.from(parts.join('')),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="灯.png"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    IMAGES.png,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Whether a new TCP connection to the port is refused. */
const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });

async function until(what: string, check: () => boolean | Promise<boolean>, server: ServerProcess, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never: ${what}\n${server.output()}`);
    await sleep(20);
  }
}

describe.each([1, 2])('SIGTERM with WORKERS=%i', (workers) => {
  it('lets a filing whose photo is still uploading finish with its usual answer, refuses new connections, and exits 0', async () => {
    const world = await worldOnDisk(async () => null);
    cleanups.push(() => rmSync(world.dir, { recursive: true, force: true }));
    const port = await freePort();
    const server = startServer(
      world.dir,
      bareEnv({
        PORT: String(port),
        DATABASE_URL: world.databaseUrl,
        UPLOAD_DIR: world.uploadDir,
        SEED_DEMO: 'false',
        SCHEDULER: 'false',
        WORKERS: String(workers),
        LOG_LEVEL: 'info',
      }),
    );
    cleanups.push(() => server.kill());
    await waitForGreeting(server);

    const resident = new Browser(`http://127.0.0.1:${port}`);
    await resident.login('residenta', PASSWORD, '/issues/new');
    const title = `5号楼楼道灯 ${randomUUID().slice(0, 8)}`;
    const { body, contentType } = filingBody(resident.csrf, world.w.cat('property_service').id, title);

    // A browser's keep-alive connection: the answer must still come, and the connection then let go.
    const sent: (() => void)[] = [];
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    const answer = new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/issues',
          method: 'POST',
          agent,
          headers: { cookie: resident.cookieHeader(), 'content-type': contentType, 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
        },
      );
      req.on('error', reject);
      // Half the body now; the rest only after the server has been told to stop.
      req.write(body.subarray(0, body.length >> 1));
      sent.push(() => req.end(body.subarray(body.length >> 1)));
    });
    const incoming = () =>
      /"msg":"incoming request"[^\n]*"url":"\/issues"|"url":"\/issues"[^\n]*"msg":"incoming request"/.test(server.output());
    await until('the server saw the filing begin', incoming, server);

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    await until('new connections are refused', () => refused(port), server);
    expect(server.child.exitCode).toBeNull();

    sent.shift()?.();
    const res = await answer;
    expect(res.status).toBe(303);
    const issueId = Number(/^\/issues\/(\d+)\?filed=1$/.exec(res.location ?? '')?.[1]);
    expect(issueId).toBeGreaterThan(0);

    const exit = await server.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(GRACE_MS);

    const db = await openDatabase(world.databaseFile);
    try {
      const issue = await db.issue.findUnique({ where: { id: issueId }, select: { title: true, attachmentCount: true } });
      expect(issue).toEqual({ title, attachmentCount: 1 });
    } finally {
      await db.$disconnect();
    }
  }, 45_000);
});

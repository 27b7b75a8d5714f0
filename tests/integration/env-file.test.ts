import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvFileError, loadEnvFile } from '../../src/config.ts';
import { freshDatabase } from '../helpers/app.ts';
import { bareEnv, freePort, migrate, startServer, waitForGreeting, type ServerProcess } from './server-process.ts';

/**
 * `.env` at start (issue #13, item 5): copying .env.example to .env configures `npm start`, its prestart
 * migration and the CLI scripts; a variable set in the environment wins over the file; a malformed file
 * stops the start with the line at fault.
 */

const dirs: string[] = [];
const servers: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.kill()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sanfang-env-'));
  dirs.push(dir);
  return dir;
}

function envFile(text: string): string {
  const file = path.join(tempDir(), '.env');
  writeFileSync(file, text);
  return file;
}

describe('reading an env file', () => {
  const cases: { name: string; file: string; env: Record<string, string>; expected: Record<string, string>; taken: string[] }[] =
    [
      {
        name: 'sets the keys the environment lacks',
        file: 'PORT=4000\nHOST=0.0.0.0\n',
        env: {},
        expected: { PORT: '4000', HOST: '0.0.0.0' },
        taken: ['PORT', 'HOST'],
      },
      {
        name: 'leaves a key the environment has, even an empty one',
        file: 'PORT=4000\nHOST=0.0.0.0\nLOG_LEVEL=debug\n',
        env: { PORT: '5000', HOST: '' },
        expected: { PORT: '5000', HOST: '', LOG_LEVEL: 'debug' },
        taken: ['LOG_LEVEL'],
      },
      {
        name: "reads Node's format: comments, blank lines, export, quotes, a # inside quotes, a quoted value over lines",
        file: '# a comment\n\nexport SEED_DEMO=false\nCOOKIE_SECRET="a # is kept inside quotes 0123456789"\nNOTE=\'two\nlines\'\nWORKERS=2 # two cores\n',
        env: {},
        expected: {
          SEED_DEMO: 'false',
          COOKIE_SECRET: 'a # is kept inside quotes 0123456789',
          NOTE: 'two\nlines',
          WORKERS: '2',
        },
        taken: ['SEED_DEMO', 'COOKIE_SECRET', 'NOTE', 'WORKERS'],
      },
      { name: 'reads an empty file as nothing', file: '', env: {}, expected: {}, taken: [] },
    ];
  for (const c of cases) {
    it(c.name, () => {
      const env: NodeJS.ProcessEnv = { ...c.env };
      expect(loadEnvFile(envFile(c.file), env).sort()).toEqual([...c.taken].sort());
      expect(env).toEqual(c.expected);
    });
  }

  it('changes nothing when there is no file', () => {
    const env: NodeJS.ProcessEnv = { PORT: '1' };
    expect(loadEnvFile(path.join(tempDir(), '.env'), env)).toEqual([]);
    expect(env).toEqual({ PORT: '1' });
  });

  const malformed = [
    {
      name: 'a line without =',
      file: 'PORT=4000\nHOST 0.0.0.0\nSEED_DEMO=false\n',
      message: /line 2: expected KEY=value.*"HOST 0\.0\.0\.0"/,
    },
    { name: 'a key with a space', file: 'MY PORT=4000\n', message: /line 1: expected KEY=value/ },
    { name: 'a quote never closed', file: 'COOKIE_SECRET="abc\nPORT=4000\n', message: /a value opened with " is never closed/ },
  ];
  for (const c of malformed) {
    it(`refuses ${c.name}, naming the file and what is wrong, and sets nothing`, () => {
      const env: NodeJS.ProcessEnv = {};
      const file = envFile(c.file);
      expect(() => loadEnvFile(file, env)).toThrow(EnvFileError);
      expect(() => loadEnvFile(file, env)).toThrow(c.message);
      expect(() => loadEnvFile(file, env)).toThrow(file);
      expect(env).toEqual({});
    });
  }
});

describe('`npm start` with a .env', { timeout: 45_000 }, () => {
  const get = async (port: number, pathname: string) => (await fetch(`http://127.0.0.1:${port}${pathname}`)).status;

  it('migrates and serves the database the file names, on the port the file names', async () => {
    const dir = tempDir();
    const port = await freePort();
    writeFileSync(
      path.join(dir, '.env'),
      `PORT=${port}\nDATABASE_URL=file:./from-env/sanfang.db\nUPLOAD_DIR=./from-env/uploads\nSEED_DEMO=false\nSCHEDULER=false\n`,
    );
    const env = bareEnv({});
    const migrated = await migrate(dir, env);
    expect(migrated.code, migrated.out).toBe(0);
    const file = path.join(dir, 'from-env/sanfang.db');
    const db = new Database(file, { readonly: true });
    try {
      expect((db.prepare('SELECT count(*) AS n FROM _prisma_migrations').get() as { n: number }).n).toBeGreaterThan(0);
    } finally {
      db.close();
    }

    const server = startServer(dir, env);
    servers.push(server);
    await waitForGreeting(server);
    expect(server.output()).toContain(`running at http://127.0.0.1:${port}`);
    // SEED_DEMO=false from the file: an empty database, so the first administrator's setup link
    expect(server.output()).toContain('Create the first administrator');
    expect(await get(port, '/healthz')).toBe(200);
    expect(existsSync(path.join(dir, 'data'))).toBe(false);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });

  it('lets a variable set in the environment win over the file', async () => {
    const dir = tempDir();
    const [filePort, envPort] = [await freePort(), await freePort()];
    const databaseFile = freshDatabase(dir);
    writeFileSync(
      path.join(dir, '.env'),
      `PORT=${filePort}\nDATABASE_URL=file:./elsewhere.db\nSEED_DEMO=false\nSCHEDULER=false\n`,
    );
    const server = startServer(dir, bareEnv({ PORT: String(envPort), DATABASE_URL: `file:${databaseFile}` }));
    servers.push(server);
    await waitForGreeting(server);
    expect(server.output()).toContain(`running at http://127.0.0.1:${envPort}`);
    expect(await get(envPort, '/healthz')).toBe(200);
    await expect(get(filePort, '/healthz')).rejects.toThrow();
    expect(existsSync(path.join(dir, 'elsewhere.db'))).toBe(false);
  });

  it('starts as before without a .env, from the environment alone', async () => {
    const dir = tempDir();
    const port = await freePort();
    const server = startServer(
      dir,
      bareEnv({ PORT: String(port), DATABASE_URL: `file:${freshDatabase(dir)}`, SEED_DEMO: 'false' }),
    );
    servers.push(server);
    await waitForGreeting(server);
    expect(server.output()).toContain(`running at http://127.0.0.1:${port}`);
    expect(await get(port, '/healthz')).toBe(200);
  });

  it('stops a start with a malformed .env with the line at fault, no stack trace, and exit code 1', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, '.env'), `PORT=${await freePort()}\nSEED_DEMO false\n`);
    const server = startServer(dir, bareEnv({}));
    servers.push(server);
    expect((await server.exited).code).toBe(1);
    expect(server.output()).toContain(`Cannot start: ${path.join(dir, '.env')}, line 2: expected KEY=value`);
    expect(server.output()).not.toMatch(/^\s+at /m);
    // the prestart migration stops the same way, before anything is created
    const migrated = await migrate(dir, bareEnv({}));
    expect(migrated.code).toBe(1);
    expect(migrated.out).toContain('line 2: expected KEY=value');
    expect(existsSync(path.join(dir, 'data'))).toBe(false);
  });

  it('stops a start with a bad value from the .env with the key at fault, no stack trace, and exit code 1', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, '.env'), 'PORT=eighty\n');
    const server = startServer(dir, bareEnv({}));
    servers.push(server);
    expect((await server.exited).code).toBe(1);
    expect(server.output()).toContain('Cannot start: PORT must be a non-negative integer, got "eighty"');
    expect(server.output()).not.toMatch(/^\s+at /m);
  });
});

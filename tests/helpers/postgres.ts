import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** The migrated database the suite's test databases are copied from (CREATE DATABASE … TEMPLATE is a file copy). */
export const POSTGRESQL_TEMPLATE = 'sanfang_template';

/** Debian's postgresql 15 (TOOLCHAIN.md); PG_BIN points elsewhere. */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A PostgreSQL cluster of its own in a temporary folder, on a free port, for one test run. */
export interface PgCluster {
  port: number;
  /** The URL of a database in the cluster (`postgres` exists from the start). */
  url(database: string): string;
  /** A new empty database; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and removes its folder (safe to call twice). */
  stop(): void;
}

/** Connects to `url`, runs `work`, disconnects (also when it fails). */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A port nothing listens on now (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Runs a PostgreSQL program as the postgres user (initdb refuses root), or as ourselves when not root. */
export function runAsPostgres(program: string, args: string[]): void {
  const command = path.join(PG_BIN, program);
  if (userInfo().uid === 0) {
    const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    execFileSync('su', ['postgres', '-c', quoted], { stdio: ['ignore', 'ignore', 'pipe'] });
  } else {
    execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }
}

/**
 * A fresh temporary folder for a cluster (owned by the postgres user when we are root), `started()` once a
 * server runs in it, and `stop()`: stop that server if it runs, and remove the folder (safe to call twice).
 */
export function clusterFolder(prefix: string): { dir: string; started: () => void; stop: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  let running = false;
  const stop = () => {
    if (running) {
      running = false;
      try {
        runAsPostgres('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already gone: the folder is removed all the same
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (userInfo().uid === 0) {
      const { uid, gid } = postgresUser();
      chownSync(dir, uid, gid);
    }
  } catch (error) {
    stop();
    throw error;
  }
  const started = () => {
    running = true;
  };
  return { dir, started, stop };
}

/**
 * initdb into a fresh temporary folder and start the server on a free port, listening on 127.0.0.1 and a
 * socket in the folder. Durability is switched off (fsync, synchronous_commit): the cluster is thrown away.
 */
export async function startCluster(): Promise<PgCluster> {
  const { dir, started, stop } = clusterFolder('sanfang-pg-');
  try {
    runAsPostgres('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8']);
    const port = await freePort();
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    started();
    runAsPostgres('pg_ctl', ['-D', dir, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
    const url = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
    return {
      port,
      url,
      async createDatabase(name) {
        await withClient(url('postgres'), (client) => client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`));
        return url(name);
      },
      stop,
    };
  } catch (error) {
    stop();
    throw error;
  }
}

export function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

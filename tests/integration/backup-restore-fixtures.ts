import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { formatShanghaiLocal } from '../../src/domain/deadlines.ts';
import type { Client } from '../helpers/client.ts';
import type { World } from '../helpers/world.ts';
import { residentClient, type Resident } from './concurrent-fixtures.ts';

/** Helpers for the backup and restore tests (not a test file). */

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run <script> -- <args>` in the project, as an operator would, with the given configuration. */
export function npmRun(script: string, args: string[], env: Record<string, string>): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', script, '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Prisma's own table of applied migrations, as `prisma migrate deploy` creates it in SQLite. */
const PRISMA_MIGRATIONS_TABLE = `CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/**
 * A database file as `prisma migrate deploy` leaves it (each migration's SQL run, and its row in
 * `_prisma_migrations` with Prisma's checksum, the sha256 of the script), without the seconds a Prisma
 * CLI start costs. `behind` leaves out the newest migrations: an install of an earlier version. The
 * backup-restore-upgrade test has the real `prisma migrate deploy` accept what this writes.
 */
export function migratedDatabase(file: string, behind = 0): string[] {
  const folder = path.join(ROOT, 'prisma/migrations');
  const all = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const applied = all.slice(0, all.length - behind);
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.exec(PRISMA_MIGRATIONS_TABLE);
    const record = db.prepare(
      'INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)',
    );
    for (const name of applied) {
      const script = readFileSync(path.join(folder, name, 'migration.sql'));
      db.exec(script.toString());
      record.run(randomUUID(), sha256(script), '2026-11-20T01:00:00.000+00:00', name, '2026-11-20T01:00:00.000+00:00');
    }
  } finally {
    db.close();
  }
  return applied;
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A small PNG of its own colour for each n, so no two photos are the same bytes. */
export function photo(n: number): Promise<Buffer> {
  return sharp({ create: { width: 2, height: 2, channels: 3, background: { r: n % 256, g: (n >> 8) % 256, b: 77 } } })
    .png()
    .toBuffer();
}

/** A write the app answered with success, and when (performance.now()) the answer arrived. */
export type Ack =
  | { kind: 'issue'; at: number; issueId: number; submissionKey: string; reporterId: number; title: string }
  | { kind: 'accept'; at: number; issueId: number }
  | { kind: 'ballot'; at: number; voterKey: string; choice: string }
  | { kind: 'building'; at: number; name: string };

/**
 * The writes of a busy estate, against one app: residents filing with a photo, the community accepting
 * new issues (a workflow action and its event), owners voting, an administrator adding buildings (an
 * audited change). Each call makes one write and records it once it is acknowledged.
 */
export class Workload {
  readonly acks: Ack[] = [];
  private nextFiler = 0;
  private nextVoter = 0;
  private unaccepted: number[] = [];
  private n = 0;

  constructor(
    private readonly app: FastifyInstance,
    private readonly w: World,
    private readonly crowd: Resident[],
    private readonly csrf: { cookie: string; token: string },
    private readonly staff: { community: Client; admin: Client },
    private readonly voteId: number,
    private readonly now: Date,
  ) {}

  /** One write of the next kind in turn (a kind with nothing left to do files an issue instead). */
  async one(): Promise<void> {
    const n = (this.n += 1);
    const kind = n % 4;
    if (kind === 1 && this.nextVoter < this.crowd.length) return this.vote();
    if (kind === 2 && this.unaccepted.length > 0) return this.accept();
    if (kind === 3) return this.building(n);
    return this.file(n);
  }

  private async file(n: number): Promise<void> {
    const resident = this.crowd[this.nextFiler++ % this.crowd.length]!;
    const submissionKey = randomUUID();
    const title = `备份测试 ${n} 号诉求`;
    const res = await residentClient(this.app, resident, this.csrf).postMultipart(
      '/issues',
      {
        categoryId: String(this.w.cat('sanitation').id),
        locationType: 'building',
        locationNote: '',
        title,
        description: '楼道里堆满杂物。',
        submissionKey,
        similarChecked: '1',
      },
      { photos: [{ filename: `${n}.png`, contentType: 'image/png', data: await photo(n) }] },
    );
    const issueId = Number(/^\/issues\/(\d+)\?filed=1$/.exec(String(res.headers.location))?.[1]);
    if (res.statusCode !== 303 || !issueId) throw new Error(`filing answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    this.acks.push({ kind: 'issue', at: performance.now(), issueId, submissionKey, reporterId: resident.userId, title });
    this.unaccepted.push(issueId);
  }

  private async accept(): Promise<void> {
    const issueId = this.unaccepted.shift()!;
    const dueAt = formatShanghaiLocal(new Date(this.now.getTime() + 5 * 24 * 3600_000));
    const res = await this.staff.community.post(`/issues/${issueId}/actions/accept`, { version: '0', party: 'property', dueAt });
    if (res.statusCode !== 303) throw new Error(`accepting #${issueId} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    this.acks.push({ kind: 'accept', at: performance.now(), issueId });
  }

  private async vote(): Promise<void> {
    const owner = this.crowd[this.nextVoter++]!;
    const choice = owner.ownerId % 3 === 0 ? 'disagree' : 'agree';
    const voterKey = `o:${owner.ownerId}`;
    const res = await residentClient(this.app, owner, this.csrf).post(`/votes/${this.voteId}/ballot`, { voterKey, choice });
    if (res.statusCode !== 303) throw new Error(`a ballot answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    this.acks.push({ kind: 'ballot', at: performance.now(), voterKey, choice });
  }

  private async building(n: number): Promise<void> {
    const name = `${100 + n}号楼`;
    const res = await this.staff.admin.post(`/admin/estates/${this.w.estateA.id}/buildings`, {
      buildingName: name,
      buildingFloors: '18',
      buildingOrder: '0',
    });
    if (res.statusCode !== 303) throw new Error(`adding a building answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    this.acks.push({ kind: 'building', at: performance.now(), name });
  }
}

/** Opens a use-of-fund vote on a building (as concurrent-ballots.test.ts does); returns its id. */
export async function openVote(committee: Client, estateId: number, buildingId: number): Promise<number> {
  await committee.get('/votes/new');
  const drafted = await committee.post('/votes', {
    estateId: String(estateId),
    issueId: '',
    matter: 'use_fund',
    title: '9号楼电梯更新使用维修资金',
    description: '',
    scope: 'buildings',
    buildingIds: [String(buildingId)],
    amount: '120,000.00',
    opensAt: '',
    closesAt: '2026-12-10T18:00',
    quotesText: '',
  });
  const id = Number(/\/votes\/(\d+)/.exec(String(drafted.headers.location))?.[1]);
  if (drafted.statusCode !== 303 || !id) throw new Error(`drafting the vote answered ${drafted.statusCode}`);
  await committee.get(`/votes/${id}`);
  const opened = await committee.post(`/votes/${id}/open`);
  if (opened.statusCode !== 303) throw new Error(`opening the vote answered ${opened.statusCode}`);
  return id;
}

/** A throwaway PostgreSQL cluster for the PostgreSQL backup test, reached through its socket folder only. */
export interface ThrowawayCluster {
  url(database: string): string;
  /** Runs SQL in a database of the cluster through psql; returns psql's unaligned output. */
  sql(database: string, statements: string): string;
  stop(): void;
}

/** The server programs (initdb, pg_ctl) of the newest Debian/Ubuntu PostgreSQL, or a clear failure. */
function serverBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter(
        (v) => existsSync(path.join(root, v, 'bin', 'initdb')) && existsSync(path.join(root, v, 'bin', 'pg_ctl')),
      )
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) {
    throw new Error(
      'PostgreSQL server programs (initdb, pg_ctl) are not installed under /usr/lib/postgresql/<version>/bin: install Debian’s postgresql package (.ci/run does) — this test does not skip',
    );
  }
  return path.join(root, newest, 'bin');
}

/** initdb into a fresh folder and start a server listening on a socket in it (no TCP port to collide on). */
export function startThrowawayCluster(): ThrowawayCluster {
  const bin = serverBin();
  const dir = mkdtempSync(path.join(tmpdir(), 'sanfang-backup-pg-'));
  const root = userInfo().uid === 0;
  const asPostgres = (program: string, args: string[]) => {
    const command = path.join(bin, program);
    if (!root) return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    return execFileSync('su', ['postgres', '-c', quoted], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  };
  let running = false;
  const stop = () => {
    if (running) {
      running = false;
      try {
        asPostgres('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // gone already; the folder goes all the same
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (root) {
      execFileSync('chown', ['postgres:postgres', dir]);
    }
    asPostgres('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8']);
    running = true;
    const options = `-p 5432 -k ${dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off`;
    asPostgres('pg_ctl', ['-D', dir, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  } catch (error) {
    stop();
    throw error;
  }
  const url = (database: string) => `postgresql://postgres@localhost/${database}?host=${encodeURIComponent(dir)}`;
  return {
    url,
    sql: (database, statements) =>
      execFileSync(path.join(bin, 'psql'), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url(database)], {
        input: statements,
      }).toString(),
    stop,
  };
}

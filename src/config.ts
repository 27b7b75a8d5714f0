import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { DEFAULT_DATABASE_URL, databaseFileFromUrl, isPostgresqlUrl } from './db-url.ts';

export type TrustProxy = false | string[];

/** Typed configuration from the environment. Every key is documented in .env.example. */
export interface AppConfig {
  host: string;
  port: number;
  databaseFile: string;
  /**
   * A PostgreSQL read replica for the reads that may lag a few seconds: the dashboards and the CSV exports
   * of the queue and the metrics (DATABASE_READ_URL). Null: they read the primary, as everything else does.
   * Sessions, pages a user just changed and the audit export always read the primary.
   */
  readDatabaseUrl: string | null;
  /** How far behind the replica may be before those reads go back to the primary (DATABASE_READ_MAX_LAG_SECONDS). */
  readMaxLagSeconds: number;
  uploadDir: string;
  /** Secret for signed cookies (the CSRF secret cookie). Must be long and random in production. */
  cookieSecret: string;
  cookieSecure: boolean;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  uploadMaxBytes: number;
  uploadMaxFiles: number;
  seedDemo: boolean;
  logLevel: string;
  /**
   * Which proxies may tell the client's address through X-Forwarded-For (Fastify's `trustProxy`): false
   * (none, the default: the socket's address is the client's), or a list of addresses and CIDR ranges. The login throttle counts failures per client address, so trusting a header any client
   * can write would let one attacker pose as everyone, or the proxy's address would stand for everyone.
   */
  trustProxy: TrustProxy;
  /** Run the in-process scheduler (auto-close, reminders, vote closing). Tests drive jobs directly. */
  scheduler: boolean;
  schedulerIntervalSeconds: number;
  /**
   * Server processes sharing the port (node:cluster): 1 serves from this process alone; n > 1 makes it the
   * primary of n workers. They share the SQLite file; the scheduler's leases run each job in one of them.
   */
  workers: number;
}

function int(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function bool(name: string, fallback: boolean, env: NodeJS.ProcessEnv): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function atLeastOne(name: string, n: number): number {
  if (n < 1) throw new Error(`${name} must be at least 1, got "${n}"`);
  return n;
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: empty/false (trust no proxy), or a comma-separated list of the reverse proxies' addresses
 * or CIDR ranges (`127.0.0.1,10.0.0.0/8`; also `loopback`, `linklocal`, `uniquelocal`). `true` and hop
 * counts are refused: trusting every hop takes the address from whatever the client writes, and
 * Fastify 5 ignores hop counts (a direct client could claim enough hops), so a proxy must be named.
 */
export function trustProxy(raw: string | undefined): TrustProxy {
  const value = (raw ?? '').trim().toLowerCase();
  if (['', '0', 'false', 'no', 'off'].includes(value)) return false;
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of entries) {
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const bitsOk =
      bits === undefined ||
      (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32)) ||
      (family === 4 && isIP(bits) === 4);
    if (!PROXY_NAMES.has(entry) && (family === 0 || !bitsOk || extra !== undefined)) {
      throw new Error(
        `TRUST_PROXY must be false or the proxies' addresses/CIDR ranges separated by commas (e.g. 127.0.0.1 or 10.0.0.0/8), got "${raw}"`,
      );
    }
  }
  return entries;
}

/**
 * DATABASE_READ_URL: a replica of a PostgreSQL primary (a hot standby, or a managed database's read
 * endpoint). A SQLite file has no replicas to read: every process reads the file itself, so the setting
 * is refused there rather than ignored.
 */
function readDatabaseUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = (env.DATABASE_READ_URL ?? '').trim();
  if (raw === '') return null;
  if (!isPostgresqlUrl(raw)) throw new Error(`DATABASE_READ_URL must be a postgresql:// URL, got "${raw}"`);
  if (!isPostgresqlUrl(env.DATABASE_URL)) {
    throw new Error('DATABASE_READ_URL names a PostgreSQL replica, so DATABASE_URL must be its postgresql:// primary');
  }
  return raw;
}

const DEV_COOKIE_SECRET = 'sanfang-development-cookie-secret-change-me-0123456789';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const production = env.NODE_ENV === 'production';
  const cookieSecret = env.COOKIE_SECRET ?? DEV_COOKIE_SECRET;
  if (cookieSecret.length < 32) throw new Error('COOKIE_SECRET must be at least 32 characters');
  if (production && cookieSecret === DEV_COOKIE_SECRET) {
    throw new Error('Set COOKIE_SECRET in production; the development secret is public');
  }
  return {
    host: env.HOST || '127.0.0.1',
    port: int('PORT', 3000, env),
    databaseFile: databaseFileFromUrl(env.DATABASE_URL || DEFAULT_DATABASE_URL),
    readDatabaseUrl: readDatabaseUrl(env),
    readMaxLagSeconds: atLeastOne('DATABASE_READ_MAX_LAG_SECONDS', int('DATABASE_READ_MAX_LAG_SECONDS', 30, env)),
    uploadDir: path.resolve(env.UPLOAD_DIR || './data/uploads'),
    cookieSecret,
    cookieSecure: bool('COOKIE_SECURE', production, env),
    sessionIdleMinutes: int('SESSION_IDLE_MINUTES', 120, env),
    sessionMaxHours: int('SESSION_MAX_HOURS', 24 * 7, env),
    uploadMaxBytes: int('UPLOAD_MAX_BYTES', 5 * 1024 * 1024, env),
    uploadMaxFiles: int('UPLOAD_MAX_FILES', 6, env),
    seedDemo: bool('SEED_DEMO', true, env),
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: trustProxy(env.TRUST_PROXY),
    scheduler: bool('SCHEDULER', true, env),
    schedulerIntervalSeconds: int('SCHEDULER_INTERVAL_SECONDS', 60, env),
    workers: atLeastOne('WORKERS', int('WORKERS', 1, env)),
  };
}

/** A line of the env file that is not `KEY=value`, a comment or blank, named by file and line. */
export class EnvFileError extends Error {}

const ASSIGNMENT = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=(.*)$/;

/**
 * Reads an env file (the `.env` beside package.json, in Node's own format: `KEY=value`, `# comments`,
 * quotes, `export`), and sets each of its keys that the environment does not already have: a variable
 * set in the environment wins over the file, even when empty, as with Node's `--env-file`. Returns the
 * keys taken from the file. No file: nothing changes. Node's parser skips or misreads a line that is not
 * an assignment (it glues it to the next one), so such a line is refused with its number instead.
 *
 * Every entry point calls this before reading its configuration (server.ts, the CLI scripts,
 * prisma.config.ts for `prisma migrate deploy`); nothing else reads the file.
 */
export function loadEnvFile(file = '.env', env: NodeJS.ProcessEnv = process.env): string[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  let openQuote: string | null = null;
  text.split(/\r?\n/).forEach((line, i) => {
    if (openQuote !== null) {
      if (line.includes(openQuote)) openQuote = null;
      return;
    }
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const assignment = ASSIGNMENT.exec(line);
    if (!assignment) {
      throw new EnvFileError(
        `${path.resolve(file)}, line ${i + 1}: expected KEY=value, a # comment or a blank line, got "${line.trim().slice(0, 60)}"`,
      );
    }
    // A quoted value may run over several lines, up to its closing quote.
    const value = (assignment[1] ?? '').trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && !value.slice(1).includes(quote)) openQuote = quote;
  });
  if (openQuote !== null) throw new EnvFileError(`${path.resolve(file)}: a value opened with ${openQuote} is never closed`);
  const taken: string[] = [];
  for (const [key, value] of Object.entries(parseEnv(text))) {
    if (env[key] !== undefined) continue;
    env[key] = value;
    taken.push(key);
  }
  return taken;
}

/**
 * The configuration of a command started from the shell (the server, the CLI scripts): the env file read
 * (loadEnvFile), then the environment. A mistake in either stops the command with its one-line reason
 * (exit code 1) rather than a stack trace.
 */
export function configFromEnvironment(): AppConfig {
  return orExit(() => {
    loadEnvFile();
    return loadConfig();
  });
}

/** loadEnvFile for a command that reads only some keys itself (prisma.config.ts), stopping as above. */
export function loadEnvFileOrExit(): void {
  orExit(() => loadEnvFile());
}

function orExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    // Both readers throw only on bad configuration: its message is all the operator needs.
    process.stderr.write(`Cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

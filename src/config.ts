import path from 'node:path';
import { DEFAULT_DATABASE_URL, databaseFileFromUrl } from './db-url.ts';

/** Typed configuration from the environment. Every key is documented in .env.example. */
export interface AppConfig {
  host: string;
  port: number;
  databaseFile: string;
  uploadDir: string;
  /** Secret for signed cookies (the CSRF secret cookie). Must be long and random in production. */
  cookieSecret: string;
  cookieSecure: boolean;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  loginWindowMinutes: number;
  uploadMaxBytes: number;
  uploadMaxFiles: number;
  seedDemo: boolean;
  logLevel: string;
  trustProxy: boolean;
  /** Run the in-process scheduler (auto-close, reminders, vote closing). Tests drive jobs directly. */
  scheduler: boolean;
  schedulerIntervalSeconds: number;
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
    uploadDir: path.resolve(env.UPLOAD_DIR || './data/uploads'),
    cookieSecret,
    cookieSecure: bool('COOKIE_SECURE', production, env),
    sessionIdleMinutes: int('SESSION_IDLE_MINUTES', 120, env),
    sessionMaxHours: int('SESSION_MAX_HOURS', 24 * 7, env),
    loginMaxFailuresPerAccount: int('LOGIN_MAX_FAILURES_PER_ACCOUNT', 5, env),
    loginMaxFailuresPerAddress: int('LOGIN_MAX_FAILURES_PER_ADDRESS', 20, env),
    loginWindowMinutes: int('LOGIN_WINDOW_MINUTES', 15, env),
    uploadMaxBytes: int('UPLOAD_MAX_BYTES', 5 * 1024 * 1024, env),
    uploadMaxFiles: int('UPLOAD_MAX_FILES', 6, env),
    seedDemo: bool('SEED_DEMO', true, env),
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: bool('TRUST_PROXY', false, env),
    scheduler: bool('SCHEDULER', true, env),
    schedulerIntervalSeconds: int('SCHEDULER_INTERVAL_SECONDS', 60, env),
  };
}

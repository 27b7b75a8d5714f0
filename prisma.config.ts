import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { DEFAULT_DATABASE_URL, databaseFileFromUrl } from './src/db-url.ts';
import { loadEnvFileOrExit } from './src/config.ts';

// With a config file Prisma loads no .env itself ("skipping environment variable loading"): read it here
// by the app's own rule (src/config.ts, loadEnvFile), so `prisma migrate deploy` in `npm start` migrates
// the database the server then opens.
loadEnvFileOrExit();

// The schema's datasource reads DATABASE_URL (Prisma 6's schema reader needs a url to learn the client's
// engine type; without one it falls back to downloading a native engine). A fresh clone has no .env.
process.env.DATABASE_URL ||= DEFAULT_DATABASE_URL;

// Prisma 6.19 with the JS engine: the CLI migrates through the same better-sqlite3 adapter as the app,
// so nothing is downloaded (see README, "Why Prisma 6.19").
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations'), seed: 'tsx prisma/seed.ts' },
  async adapter() {
    const file = databaseFileFromUrl(process.env.DATABASE_URL);
    mkdirSync(path.dirname(file), { recursive: true });
    return new PrismaBetterSQLite3({ url: `file:${file}` });
  },
});

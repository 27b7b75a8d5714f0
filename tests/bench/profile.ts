/**
 * Where a page's time goes: sequential requests through app.inject on the generated dataset, with
 * Prisma's query log summed per page. `npx tsx tests/bench/profile.ts [/path ...]`. Prints, asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { freshDatabase } from '../helpers/app.ts';
import { makeWorld } from '../helpers/world.ts';
import { loginAs } from '../helpers/client.ts';
import { generate } from './dataset.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sanfang-profile-'));
const config = {
  ...loadConfig({}),
  databaseFile: freshDatabase(dir),
  uploadDir: path.join(dir, 'uploads'),
  logLevel: 'warn',
  scheduler: false,
};
let app = await buildApp(config, { logger: false });
const world = await makeWorld(app.db);
await app.close();
generate(config.databaseFile, world);
app = await buildApp(config, { logger: false });
const someIssue = await app.db.issue.findFirstOrThrow({
  where: { estateId: world.estateA.id, isPublic: true },
  orderBy: { id: 'desc' },
});
const who: Record<string, string> = {
  '/issues/mine': 'residenta',
  '/issues/public': 'residenta',
  '/issues': 'community',
  '/dashboard': 'community',
};
const paths = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['/issues/mine', '/issues/public', `/issues/${someIssue.id}`, '/issues', '/dashboard'];
for (const url of paths) {
  const client = await loginAs(app, who[url] ?? 'propertya');
  for (let i = 0; i < 5; i++) await client.get(url);
  const n = 40;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await client.get(url);
  console.log(`${url}: ${((performance.now() - t0) / n).toFixed(1)} ms per request`);
}
await app.close();
if (process.env.KEEP) console.log('kept', config.databaseFile);
else rmSync(dir, { recursive: true, force: true });

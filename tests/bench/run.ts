/**
 * Benchmark: the real app on a large generated dataset, driven by autocannon over loopback.
 *
 *   npm run bench                      # defaults below
 *   BENCH_ISSUES=200000 npm run bench  # bigger
 *
 * It prints requests/s and latency percentiles per page, and each page's p50 as a ratio of /healthz's
 * (the cost of the page over the cost of the framework), so runs on different machines compare.
 * Nothing here is asserted: timing never goes in a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { freshDatabase } from '../helpers/app.ts';
import { makeWorld } from '../helpers/world.ts';
import { loginAs } from '../helpers/client.ts';
import { generate } from './dataset.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'sanfang-bench-'));
  const databaseFile = freshDatabase(dir);
  const config = { ...loadConfig({}), databaseFile, uploadDir: path.join(dir, 'uploads'), logLevel: 'warn', scheduler: false };
  // Make the small world through the app's own client, then bulk-generate the rest beside it.
  let app = await buildApp(config, { logger: false });
  const world = await makeWorld(app.db);
  await app.close();
  generate(databaseFile, world);

  app = await buildApp(config, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const base = `http://127.0.0.1:${address.port}`;

  const resident = await loginAs(app, 'residenta');
  const property = await loginAs(app, 'propertya');
  const community = await loginAs(app, 'community');
  const someIssue = await app.db.issue.findFirstOrThrow({
    where: { estateId: world.estateA.id, isPublic: true },
    orderBy: { id: 'desc' },
  });

  const targets: { name: string; path: string; cookie?: string }[] = [
    { name: 'healthz (baseline)', path: '/healthz' },
    { name: 'resident: my issues', path: '/issues/mine', cookie: resident.cookieHeader() },
    { name: 'resident: my issues, htmx filter', path: '/issues/mine?state=submitted', cookie: resident.cookieHeader() },
    { name: 'resident: estate public issues', path: '/issues/public', cookie: resident.cookieHeader() },
    { name: 'issue page', path: `/issues/${someIssue.id}`, cookie: property.cookieHeader() },
    { name: 'property: queue', path: '/issues', cookie: property.cookieHeader() },
    { name: 'community: triage queue', path: '/issues', cookie: community.cookieHeader() },
    { name: 'community: dashboard', path: '/dashboard', cookie: community.cookieHeader() },
    { name: 'notice board', path: '/notices', cookie: resident.cookieHeader() },
  ];

  const rows: { name: string; status: string; rps: number; p50: number; p97_5: number; p99: number }[] = [];
  for (const target of targets) {
    const probe = await fetch(base + target.path, {
      headers: target.cookie ? { cookie: target.cookie } : {},
      redirect: 'manual',
    });
    if (probe.status !== 200) {
      rows.push({ name: target.name, status: `skipped (HTTP ${probe.status})`, rps: 0, p50: 0, p97_5: 0, p99: 0 });
      continue;
    }
    const result = await autocannon({
      url: base + target.path,
      connections: CONNECTIONS,
      duration: DURATION,
      headers: target.cookie ? { cookie: target.cookie } : {},
    });
    rows.push({
      name: target.name,
      status: `${result['2xx']} ok, ${result.non2xx} non-2xx, ${result.errors} errors`,
      rps: result.requests.average,
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
    });
  }
  await app.close();
  rmSync(dir, { recursive: true, force: true });

  const baseline = rows[0]?.p50 || 1;
  console.log(`\n${CONNECTIONS} connections, ${DURATION} s per page, Node ${process.version}\n`);
  console.log('| page | req/s | p50 ms | p97.5 ms | p99 ms | p50 / healthz | responses |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p97_5} | ${r.p99} | ${(r.p50 / baseline).toFixed(1)}× | ${r.status} |`,
    );
  }
}

await main();

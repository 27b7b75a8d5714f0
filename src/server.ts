import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.ts';
import { buildApp } from './app.ts';
import { seedDemoIfEmpty, DEMO_ACCOUNTS, DEMO_PASSWORD } from './seed/demo.ts';
import { startScheduler } from './scheduler.ts';
import { existingUsernames, firstStartSetupLink } from './modules/auth/index.ts';

// The only file that listens. Migrations ran in `npm start`'s prestart step.
const config = loadConfig();
const app = await buildApp(config);

if (config.seedDemo) {
  const seeded = await seedDemoIfEmpty(app.db, new Date());
  if (seeded) app.log.info('Seeded the demo data (龚家湾社区 / 森嘉幸福里).');
}

const stopScheduler = config.scheduler ? startScheduler(app) : () => {};

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  else app.log.info({ signal }, 'shutting down');
  stopScheduler();
  await app.close();
});

await app.listen({ host: config.host, port: config.port });

const demo = await existingUsernames(
  app.db,
  DEMO_ACCOUNTS.map((a) => a.username),
);
const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${config.port}`;
const lines = [`\n  三方联动 Sanfang is running at ${url}`];
// A fresh install without the demo has no user: the first administrator is made through a one-time link.
const setup = await firstStartSetupLink(app.db, url, new Date());
if (setup) {
  lines.push('  No account exists yet. Create the first administrator (link good once, for 24 hours):');
  lines.push(`    ${setup.url}`);
  lines.push('  A fresh link at any time: npm run setup-admin');
}
if (demo.length > 0) {
  lines.push(`  Demo accounts (password ${DEMO_PASSWORD}):`);
  for (const account of DEMO_ACCOUNTS) {
    if (demo.includes(account.username)) lines.push(`    ${account.username.padEnd(10)} ${account.description}`);
  }
}
console.log(lines.join('\n') + '\n');

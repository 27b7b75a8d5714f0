import { configFromEnvironment } from '../config.ts';
import { openDatabase } from '../plugins/db.ts';
import { newSetupLink } from '../modules/auth/index.ts';

/**
 * `npm run setup-admin [-- --force]`: prints a fresh one-time link that creates an administrator (good
 * once, for 24 hours; older unused setup links stop working). Refused while an active administrator
 * exists, unless --force: administrators make further accounts from /accounts.
 */
const config = configFromEnvironment();
const force = process.argv.slice(2).includes('--force');
const db = await openDatabase(config.databaseFile);
try {
  const origin = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${config.port}`;
  const link = await newSetupLink(db, origin, new Date(), force);
  if (!link) {
    console.error('An administrator already exists: create accounts from /accounts, or run with --force for another setup link.');
    process.exitCode = 1;
  } else {
    console.log(
      `\n  Create an administrator with this link (good once, until ${link.expiresAt.toISOString()}):\n    ${link.url}\n`,
    );
  }
} finally {
  await db.$disconnect();
}

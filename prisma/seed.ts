// `npm run db:seed` (or `prisma db seed`): the demo data into an empty database. `npm start` does the
// same on first run, so this is only needed after wiping the data by hand.
import { configFromEnvironment } from '../src/config.ts';
import { openDatabase } from '../src/plugins/db.ts';
import { seedDemoIfEmpty } from '../src/seed/demo.ts';

const db = await openDatabase(configFromEnvironment().databaseFile);
try {
  const seeded = await seedDemoIfEmpty(db, new Date());
  console.log(seeded ? 'Demo data seeded.' : 'The database already has data; nothing seeded.');
} finally {
  await db.$disconnect();
}

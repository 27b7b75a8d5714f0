import type { ScheduledJob } from '../../scheduler.ts';
import { sendDigests } from './digest.ts';
import { deliverPending } from './service.ts';

/** The daily digest, then delivery: it hands committed, undelivered notifications to the outside channels.
 * The app runs these after every other module's jobs, so delivery sends what they (and every request
 * since the last run) wrote, the day's digests included. */
export const jobs: ScheduledJob[] = [
  { name: 'notification-digests', run: (app, now) => sendDigests(app.db, now) },
  { name: 'deliver-notifications', run: (app, now) => deliverPending(app.db, app.deliveryChannels, now, app.log) },
];

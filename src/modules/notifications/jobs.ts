import type { ScheduledJob } from '../../scheduler.ts';
import { deliverPending } from './service.ts';

/** Hands committed, undelivered notifications to the outside channels. The app runs it after every other
 * module's jobs, so it delivers what they (and every request since the last run) wrote. */
export const jobs: ScheduledJob[] = [
  { name: 'deliver-notifications', run: (app, now) => deliverPending(app.db, app.deliveryChannels, now, app.log) },
];

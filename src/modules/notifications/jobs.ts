import type { ScheduledJob } from '../../scheduler.ts';
import { deliverPending } from './service.ts';

/** Hands committed, undelivered notifications to the outside channels (runs last, after the jobs that notify). */
export const deliverNotificationsJob: ScheduledJob = {
  name: 'deliver-notifications',
  run: (app, now) => deliverPending(app.db, app.deliveryChannels, now, app.log),
};

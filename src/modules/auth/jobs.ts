import type { ScheduledJob } from '../../scheduler.ts';
import { purgeExpiredSessions } from './sessions.ts';
import { purgeForgottenThrottles } from './throttle.ts';

export const jobs: ScheduledJob[] = [
  { name: 'purge-expired-sessions', run: (app, now) => purgeExpiredSessions(app.db, now, app.config.sessionIdleMinutes) },
  { name: 'purge-login-throttle', run: (app, now) => purgeForgottenThrottles(app.db, now) },
];

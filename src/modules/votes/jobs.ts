import type { ScheduledJob } from '../../scheduler.ts';
import { closeDueProposals, sendClosingReminders } from './service.ts';

/** Closes every open vote whose closing time has passed (the result frozen, published, the issue moved). */
export const closeDueVotesJob: ScheduledJob = {
  name: 'close-due-votes',
  run: (app, now) => closeDueProposals(app.db, now),
};

/** A day before a vote closes, reminds the owners who have not voted yet (once per vote). */
export const voteClosingReminderJob: ScheduledJob = {
  name: 'vote-closing-reminders',
  run: (app, now) => sendClosingReminders(app.db, now),
};

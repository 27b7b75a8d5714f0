import type { ScheduledJob } from '../../scheduler.ts';
import { inTransaction } from '../../plugins/db.ts';
import { Conflict } from '../../errors.ts';
import { closeProposal, proposalsDueForClosing, proposalsDueForReminder, remindClosingVoters } from './closing.ts';

/** Closes every open vote whose closing time has passed (the result frozen, published, the issue moved). */
export const closeDueVotesJob: ScheduledJob = {
  name: 'close-due-votes',
  async run(app, now) {
    let closed = 0;
    for (const id of await proposalsDueForClosing(app.db, now)) {
      try {
        await inTransaction(app.db, (tx) => closeProposal(tx, 'system', id, now));
        closed += 1;
      } catch (error) {
        if (!(error instanceof Conflict)) throw error; // closed meanwhile by the committee
      }
    }
    return closed;
  },
};

/** A day before a vote closes, reminds the owners who have not voted yet (once per vote). */
export const voteClosingReminderJob: ScheduledJob = {
  name: 'vote-closing-reminders',
  async run(app, now) {
    const due = await proposalsDueForReminder(app.db, now);
    for (const proposal of due) await inTransaction(app.db, (tx) => remindClosingVoters(tx, proposal, now));
    return due.length;
  },
};

export const jobs: ScheduledJob[] = [closeDueVotesJob, voteClosingReminderJob];

// Front door of the meetings module (joint meetings: convening, agenda, minutes, decisions, calendars):
// the only file other modules (and app.ts) may import. It owns the Meeting, MeetingEstate,
// MeetingParticipant, AgendaItem, Decision and ActionItem tables.
export { default as meetingsRoutes } from './routes.ts';
export { jobs } from './jobs.ts';
export { autoAgendaJob } from './auto-agenda.ts';
// What the votes module reads of the decision that sent an issue to the owners' vote.
export { openVoteDecisionOfIssue } from './vote-links.ts';
// Whether the notice board may link a meeting-decision notice to its meeting.
export { canSeeMeeting } from './notice-reads.ts';
// The demo seed builds its meetings through the same commands the pages use, in its one transaction.
export { conveneMeeting, addFreeItem, moveAgendaItem, addActionItem, completeActionItem } from './commands.ts';
export { recordAttendance, recordDecision, applyMinutes } from './minutes.ts';

// Front door of the issues module: the only file other modules (and app.ts) may import.
// It owns issues, their events, comments and "me too"s; every state change goes through performIssueAction.
export { default as issuesRoutes } from './routes.ts';
export { jobs, autoCloseJob, overdueJob, deadlineWarningJob } from './jobs.ts';
export { visibleIssuesWhere } from './scope.ts';
export { performIssueAction, type IssueActionInput, type IssueActionResult } from './perform-action.ts';
export { issueFollowers } from './followers.ts';
export { isOverdueNow } from './overdue.ts';
export { actionsFor } from './page-actions.ts';
export { issuesForMetrics, type MetricsScope } from './metrics-reads.ts';
export { issuesAwaitingMeeting, agendaIssueStates, issuesDueForMeeting, type ProposedAgendaIssue } from './agenda-reads.ts';
export { issueForFundDraft, issueStateForVote } from './vote-reads.ts';

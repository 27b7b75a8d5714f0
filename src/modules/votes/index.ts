// Front door of the votes module (fund proposals, their electorate, ballots and results): the only file
// other modules (and app.ts) may import. It owns FundProposal, FundProposalBuilding, VoteUnit, Ballot and
// BallotChange; what a vote approves is written to the ledger through the ledger's front door.
export { default as votesRoutes } from './routes.ts';
export { jobs, closeDueVotesJob, voteClosingReminderJob } from './jobs.ts';
export { visibleProposalsWhere } from './scope.ts';
export { snapshotElectorate } from './electorate.ts';
// for whoever writes ballots other than through the app (the demo seed, a bulk import, a benchmark)
export { recountVoteCounts } from './tally-counts.ts';
export { closeProposal } from './closing.ts';
export { unitsLockedByOpenVotes } from './roster-lock.ts';

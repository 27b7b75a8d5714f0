/**
 * Which module owns which table (STYLE.md: "each table belongs to one module"). Only the owner queries
 * or writes a model; every other module asks the owner's front door (`modules/<m>/index.ts`).
 * The demo seed (src/seed) is data, not a module: it writes through Prisma directly and is exempt.
 */
export const MODEL_OWNERS: Record<string, string> = {
  // reference data: places and the things that hang off them
  community: 'places',
  estate: 'places',
  building: 'places',
  unit: 'places',
  category: 'places',
  setting: 'places',
  outsideUnit: 'places',
  // owners of record
  owner: 'roster',
  ownerUnit: 'roster',
  // people and their sessions
  user: 'auth',
  userEstate: 'auth',
  session: 'auth',
  accountToken: 'auth',
  loginThrottle: 'auth',
  knownDevice: 'auth',
  // residents joining an estate
  registration: 'registrations',
  // the append-only record of every change of rights or records
  auditEntry: 'audit',
  // the workflow
  issue: 'issues',
  issueEvent: 'issues',
  comment: 'issues',
  support: 'issues',
  issueFollow: 'issues',
  attachment: 'attachments',
  // joint meetings
  meeting: 'meetings',
  meetingEstate: 'meetings',
  meetingParticipant: 'meetings',
  agendaItem: 'meetings',
  decision: 'meetings',
  actionItem: 'meetings',
  attendanceMark: 'meetings',
  meetingVerdict: 'meetings',
  // fund votes and the ledger
  fundProposal: 'votes',
  fundProposalBuilding: 'votes',
  voteUnit: 'votes',
  ballot: 'votes',
  ballotChange: 'votes',
  voteCount: 'votes',
  fundLedgerEntry: 'ledger',
  // what is published and who is told
  notice: 'notices',
  notification: 'notifications',
  notificationPreference: 'notifications',
  // running the app: the scheduler's leases (src/scheduler.ts is infrastructure, not a module)
  jobLease: 'scheduler',
};

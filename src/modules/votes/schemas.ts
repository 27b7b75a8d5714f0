import { Type } from '@sinclair/typebox';

const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
/** An id as a form sends it: digits only, within the id range (nine digits at most). */
const IdText = Type.String({ pattern: '^[1-9][0-9]{0,8}$' });
const OptionalIdText = Type.Union([Type.Literal(''), IdText], { default: '' });
/** Free text as typed: the service trims it and says, inline, what is too long. */
const Text = (maxLength: number) => Type.String({ maxLength, default: '' });

export const IdParams = Type.Object({ id: Id });

export const NewProposalQuery = Type.Object({
  issue: Type.Optional(Id),
});

export const PageQuery = Type.Object({
  done: Type.Optional(Type.String({ maxLength: 20 })),
  voter: Type.Optional(Type.String({ maxLength: 400 })),
});

/** The draft form (multipart: its quotes are checked as uploads). */
export const ProposalForm = Type.Object({
  estateId: OptionalIdText,
  issueId: OptionalIdText,
  matter: Text(40),
  title: Text(1000),
  description: Text(16000),
  scope: Text(20),
  buildingIds: Type.Union([IdText, Type.Array(IdText, { maxItems: 500 })], { default: [] }),
  amount: Text(40),
  opensAt: Text(40),
  closesAt: Text(40),
  quotesText: Text(16000),
});

export const PROPOSAL_FIELDS = {
  estateId: 'fundEstate',
  issueId: 'form',
  matter: 'fundMatter',
  scope: 'fundScope',
  buildingIds: 'fundBuildings',
  amount: 'fundAmount',
  opensAt: 'fundOpensAt',
  closesAt: 'fundClosesAt',
  quotesText: 'fundQuotesText',
} as const;

/** An owner's own ballot. */
export const BallotForm = Type.Object({
  voterKey: Type.String({ maxLength: 400 }),
  choice: Type.String({ maxLength: 20 }),
});

/**
 * A ballot the committee records for an owner (paper, door to door, proxy): multipart, with the photo or
 * scan of the signed paper or written proxy as `evidence`. No recorder's name: the recorder is the
 * signed-in user (a forged field is not read). Every field has a default, so a missing one is said inline.
 */
export const RecordForm = Type.Object({
  voterKey: Text(400),
  choice: Text(20),
  channel: Text(20),
  signedAt: Text(40),
  signedTime: Text(20),
  agentName: Text(200),
});

/** The record form's page: the household chosen from the canvass list. */
export const RecordPageQuery = Type.Object({
  voter: Type.Optional(Type.String({ maxLength: 400 })),
});

export const BALLOT_FIELDS = {
  voterKey: 'ballotVoter',
  choice: 'ballotChoice',
  channel: 'ballotChannel',
  signedAt: 'ballotSignedAt',
  signedTime: 'ballotSignedAt',
  agentName: 'ballotAgent',
} as const;

/** Cancelling a vote: the reason is published (the service trims it and says, inline, what is wrong). */
export const CancelForm = Type.Object({ reason: Text(2000) });

/** A button: the form carries nothing but its CSRF token. */
export const ButtonForm = Type.Object({});

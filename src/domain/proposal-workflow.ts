/**
 * The life of a fund proposal (维修资金使用表决): its statuses and the one table of moves between them.
 *
 * Pure: the votes module loads the proposal, asks `transitionProposal`, then writes the new status (and
 * what records it: the tally, the notice, the ledger entry) in one transaction.
 *
 * - A draft is the committee's working paper: it is opened (the electorate snapshotted), withdrawn, or,
 *   for an emergency, confirmed by the community without a vote.
 * - An open vote ends passed or failed by its tally, or is ended by an emergency confirmation (its
 *   ballots kept).
 * - passed, failed, emergency_approved and cancelled are final.
 */

export const PROPOSAL_STATUS = {
  draft: 'draft',
  open: 'open',
  passed: 'passed',
  failed: 'failed',
  emergency_approved: 'emergency_approved',
  cancelled: 'cancelled',
} as const;
export type ProposalStatus = (typeof PROPOSAL_STATUS)[keyof typeof PROPOSAL_STATUS];

export const PROPOSAL_ACTIONS = ['open', 'pass', 'fail', 'confirm_emergency', 'cancel'] as const;
export type ProposalAction = (typeof PROPOSAL_ACTIONS)[number];

/** Every allowed move: status -> action -> new status. A move not in the table is refused. */
const TRANSITIONS: Readonly<Record<ProposalStatus, Partial<Record<ProposalAction, ProposalStatus>>>> = {
  draft: { open: 'open', confirm_emergency: 'emergency_approved', cancel: 'cancelled' },
  // An open vote may be cancelled with a published reason (docs/domain.md, Procedure decisions).
  open: { pass: 'passed', fail: 'failed', confirm_emergency: 'emergency_approved', cancel: 'cancelled' },
  passed: {},
  failed: {},
  emergency_approved: {},
  cancelled: {},
};

/** Why a move was refused: the proposal is no longer the draft, or no longer the open vote, it needs. */
export type ProposalTransitionError = 'not_draft' | 'not_open';
export type ProposalTransitionResult =
  { readonly ok: true; readonly to: ProposalStatus } | { readonly ok: false; readonly error: ProposalTransitionError };

function isProposalStatus(value: string): value is ProposalStatus {
  return Object.hasOwn(PROPOSAL_STATUS, value);
}

/** The statuses an action may be taken from (for a claim's `where status in ...`). */
export function statusesAllowing(action: ProposalAction): ProposalStatus[] {
  return (Object.keys(TRANSITIONS) as ProposalStatus[]).filter((status) => TRANSITIONS[status][action] !== undefined);
}

/** Why `action` is refused from any other status: an action possible on an open vote is refused as
 * "not open", one only a draft allows as "not a draft". */
export function refusalOf(action: ProposalAction): ProposalTransitionError {
  return statusesAllowing(action).includes(PROPOSAL_STATUS.open) ? 'not_open' : 'not_draft';
}

export function transitionProposal(status: string, action: ProposalAction): ProposalTransitionResult {
  const to = isProposalStatus(status) ? TRANSITIONS[status][action] : undefined;
  return to !== undefined ? { ok: true, to } : { ok: false, error: refusalOf(action) };
}

/** Drafts and withdrawn drafts are the committee's working papers, not yet the owners' business. */
const STATUSES_HIDDEN_FROM_RESIDENTS: readonly ProposalStatus[] = [PROPOSAL_STATUS.draft, PROPOSAL_STATUS.cancelled];

/** The filter on a proposal's own columns that says which proposals an actor may see. */
export interface ProposalVisibility {
  estateId?: { in: number[] };
  /** Residents: not a draft or withdrawn draft; a vote cancelled after it opened was published, so it stays. */
  OR?: [{ status: { notIn: ProposalStatus[] } }, { status: 'cancelled'; openedAt: { not: null } }];
}

/**
 * Proposals the actor may see: those of their estates (admin: all); residents never see drafts or
 * withdrawn drafts (a vote cancelled after it opened was published and stays visible). Everything hanging off a proposal (its quotes, its row on an issue page) is scoped
 * by this too. Plain data on the proposal's columns, so any module can filter a relation with it.
 */
export function visibleProposals(actor: { role: string; estateIds: readonly number[] }): ProposalVisibility {
  if (actor.role === 'admin') return {};
  const visibility: ProposalVisibility = { estateId: { in: [...actor.estateIds] } };
  if (actor.role === 'resident') {
    visibility.OR = [
      { status: { notIn: [...STATUSES_HIDDEN_FROM_RESIDENTS] } },
      { status: PROPOSAL_STATUS.cancelled, openedAt: { not: null } },
    ];
  }
  return visibility;
}

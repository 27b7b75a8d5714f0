import { describe, expect, it } from 'vitest';
import {
  PROPOSAL_ACTIONS,
  PROPOSAL_STATUS,
  statusesAllowing,
  transitionProposal,
  visibleProposals,
  type ProposalAction,
  type ProposalStatus,
  type ProposalTransitionResult,
} from '../../src/domain/proposal-workflow.ts';

const STATUSES = Object.values(PROPOSAL_STATUS);

/** The procedure of a fund vote, written out independently of the module's table. */
function expected(status: ProposalStatus, action: ProposalAction): ProposalTransitionResult {
  const allowed: Partial<Record<ProposalStatus, Partial<Record<ProposalAction, ProposalStatus>>>> = {
    draft: { open: 'open', cancel: 'cancelled', confirm_emergency: 'emergency_approved' },
    open: { pass: 'passed', fail: 'failed', confirm_emergency: 'emergency_approved', cancel: 'cancelled' },
  };
  const to = allowed[status]?.[action];
  if (to) return { ok: true, to };
  return { ok: false, error: action === 'open' ? 'not_draft' : 'not_open' };
}

describe('transitionProposal', () => {
  const cases = STATUSES.flatMap((status) =>
    PROPOSAL_ACTIONS.map((action) => {
      const result = expected(status, action);
      return { status, action, result, outcome: result.ok ? `-> ${result.to}` : `refused (${result.error})` };
    }),
  );

  it.each(cases)('from $status, $action: $outcome', ({ status, action, result }) => {
    expect(transitionProposal(status, action)).toEqual(result);
  });

  it('refuses every action on a status it does not know', () => {
    expect(transitionProposal('closing', 'pass')).toEqual({ ok: false, error: 'not_open' });
    expect(transitionProposal('', 'open')).toEqual({ ok: false, error: 'not_draft' });
  });

  it.each<[ProposalAction, ProposalStatus[]]>([
    ['open', ['draft']],
    ['cancel', ['draft', 'open']],
    ['pass', ['open']],
    ['fail', ['open']],
    ['confirm_emergency', ['draft', 'open']],
  ])('%s may be taken from %j', (action, from) => {
    expect(statusesAllowing(action)).toEqual(from);
  });
});

describe('visibleProposals', () => {
  it.each([
    ['an admin sees every proposal', 'admin', [], {}],
    ['a committee member sees every status of their estates', 'committee', [1, 2], { estateId: { in: [1, 2] } }],
    ['community staff see every status of their estates', 'community', [3], { estateId: { in: [3] } }],
    [
      'a resident never sees drafts or withdrawn drafts, but sees a vote cancelled after it opened',
      'resident',
      [1],
      {
        estateId: { in: [1] },
        OR: [{ status: { notIn: ['draft', 'cancelled'] } }, { status: 'cancelled', openedAt: { not: null } }],
      },
    ],
    ['an actor without estates sees nothing', 'property', [], { estateId: { in: [] } }],
  ])('%s', (_name, role, estateIds, expected) => {
    expect(visibleProposals({ role, estateIds })).toEqual(expected);
  });
});

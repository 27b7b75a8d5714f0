import type { Actor } from '../../actor.ts';
import { ISSUE_STATES, actsForParty, availableActions, type IssueState, type Party } from '../../domain/issue-workflow.ts';

/** The actions a user may take from the issue page (system moves are never buttons). */
const FORM_ACTIONS = [
  'accept',
  'reject',
  'reassign',
  'start',
  'handoff',
  'escalate',
  'resolve',
  'confirm',
  'reopen',
  'mark_duplicate',
] as const;
export type FormAction = (typeof FORM_ACTIONS)[number];

export function isFormAction(value: string): value is FormAction {
  return (FORM_ACTIONS as readonly string[]).includes(value);
}

/** What an issue page offers this actor: the workflow's allowed actions, plus "not fixed" on a closed issue. */
export function actionsFor(
  actor: Actor,
  issue: { state: string; reporterId: number; assignedParty: string | null; duplicateOfId?: number | null },
): string[] {
  const ruleActor = {
    role: actor.role,
    userId: actor.userId,
    isReporter: issue.reporterId === actor.userId,
    isAssignedParty: actsForParty(actor.role, (issue.assignedParty as Party | null) ?? null),
  };
  const allowed: string[] = availableActions(issue.state as IssueState, ruleActor).filter(
    (a) => isFormAction(a) || a === 'open_vote',
  );
  // A duplicate's reporter follows the original instead: "not fixed" there, not a follow-up of the duplicate.
  const duplicate = (issue.duplicateOfId ?? null) !== null;
  if (issue.state === ISSUE_STATES.closed && actor.role === 'resident' && issue.reporterId === actor.userId && !duplicate)
    allowed.push('reopen');
  return allowed;
}

/** The confirmation shown after a redirect: only for the page's own actions, never a caller-chosen key. */
export function doneMessage(value: string | undefined): string {
  return value !== undefined && (isFormAction(value) || value === 'linked' || value === 'chase') ? value : '';
}

/** "Me too" is open until the issue is closed or rejected. */
export function canSupportState(state: string): boolean {
  return state !== ISSUE_STATES.closed && state !== ISSUE_STATES.rejected;
}

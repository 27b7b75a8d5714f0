/**
 * Duplicates (重复诉求): which issue another may be closed into, and which issues a resident filing a new
 * one is shown as possibly the same problem. Pure: the caller loads the rows.
 */

import { ISSUE_STATES, OPEN_STATES, type IssueState } from './issue-workflow.ts';

/** The facts of an issue these rules look at. */
export interface DuplicateFacts {
  readonly id: number;
  readonly estateId: number;
  readonly state: string;
  readonly isPublic: boolean;
  readonly reporterId: number;
  readonly duplicateOfId: number | null;
}

export type DuplicateTargetError =
  'not_found' | 'same_issue' | 'other_estate' | 'is_duplicate' | 'loop' | 'not_open' | 'private_original';

/** An original may still take duplicates while it is being worked, or resolved and waiting for its rating. */
export const ORIGINAL_STATES: readonly IssueState[] = [...OPEN_STATES, ISSUE_STATES.resolved];

/**
 * Why `original` cannot be the issue `duplicate` is closed into, or null when it can. The reporter of the
 * duplicate will follow the original, so it must be an issue they may see: a common-area one, or their
 * own. An original that is itself a duplicate is refused rather than followed, so chains (and loops)
 * never form: every duplicate points at an issue that is not one.
 */
export function duplicateTargetError(duplicate: DuplicateFacts, original: DuplicateFacts | null): DuplicateTargetError | null {
  if (original === null) return 'not_found';
  if (original.id === duplicate.id) return 'same_issue';
  if (original.estateId !== duplicate.estateId) return 'other_estate';
  if (original.duplicateOfId === duplicate.id) return 'loop';
  if (original.duplicateOfId !== null) return 'is_duplicate';
  if (!ORIGINAL_STATES.includes(original.state as IssueState)) return 'not_open';
  if (!original.isPublic && original.reporterId !== duplicate.reporterId) return 'private_original';
  return null;
}

/** The states a filing resident is shown similar issues in: still being worked ("me too" is open on them). */
export const SIMILAR_STATES: readonly IssueState[] = OPEN_STATES;

/** How many similar issues the filing form lists at most (newest first). */
export const SIMILAR_LIMIT = 5;

/**
 * Parses what a staff member types as the original's number: "12", "#12" or "＃12" (full-width, as a
 * Chinese input method types it). Null when it is not an issue number.
 */
export function parseIssueNumber(text: string): number | null {
  const m = /^\s*[#＃]?\s*([0-9]{1,10})\s*$/.exec(text);
  if (!m?.[1]) return null;
  const n = Number(m[1]);
  return n >= 1 && n <= 2147483647 ? n : null;
}

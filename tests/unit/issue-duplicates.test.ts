import { describe, expect, it } from 'vitest';
import {
  ORIGINAL_STATES,
  duplicateTargetError,
  parseIssueNumber,
  type DuplicateFacts,
  type DuplicateTargetError,
} from '../../src/domain/issue-duplicates.ts';
import { ISSUE_STATES } from '../../src/domain/issue-workflow.ts';

const issue = (facts: Partial<DuplicateFacts> = {}): DuplicateFacts => ({
  id: 1,
  estateId: 10,
  state: 'submitted',
  isPublic: true,
  reporterId: 100,
  duplicateOfId: null,
  ...facts,
});

const DUPLICATE = issue({ id: 1, reporterId: 100 });

describe('which issue a duplicate may be closed into', () => {
  it.each<[string, DuplicateFacts | null, DuplicateTargetError | null]>([
    ['an open public issue of the same estate', issue({ id: 2, reporterId: 200 }), null],
    ['a resolved issue awaiting its rating', issue({ id: 2, state: 'resolved' }), null],
    ['one awaiting a joint meeting', issue({ id: 2, state: 'awaiting_meeting' }), null],
    ['one awaiting a vote', issue({ id: 2, state: 'awaiting_vote' }), null],
    ['the reporter’s own in-unit issue', issue({ id: 2, isPublic: false, reporterId: 100 }), null],
    ['no issue at all', null, 'not_found'],
    ['the issue itself', issue({ id: 1 }), 'same_issue'],
    ['an issue of another estate', issue({ id: 2, estateId: 11 }), 'other_estate'],
    ['a closed issue', issue({ id: 2, state: 'closed' }), 'not_open'],
    ['a rejected issue', issue({ id: 2, state: 'rejected' }), 'not_open'],
    ['an issue that is itself a duplicate', issue({ id: 2, state: 'closed', duplicateOfId: 3 }), 'is_duplicate'],
    ['an issue merged into this one (a loop)', issue({ id: 2, state: 'closed', duplicateOfId: 1 }), 'loop'],
    ['another household’s in-unit issue', issue({ id: 2, isPublic: false, reporterId: 200 }), 'private_original'],
  ])('%s: %s', (_what, original, expected) => {
    expect(duplicateTargetError(DUPLICATE, original)).toBe(expected);
  });

  it('takes originals in every open state and in resolved, never in closed or rejected', () => {
    expect([...ORIGINAL_STATES].sort()).toEqual(
      Object.values(ISSUE_STATES)
        .filter((s) => s !== 'closed' && s !== 'rejected')
        .sort(),
    );
  });
});

describe('reading an issue number as staff type it', () => {
  it.each<[string, number | null]>([
    ['12', 12],
    ['#12', 12],
    [' # 12 ', 12],
    ['＃12', 12],
    ['2147483647', 2147483647],
    ['2147483648', null],
    ['0', null],
    ['', null],
    ['#', null],
    ['12a', null],
    ['-3', null],
    ['1.5', null],
    ['9999999999', null],
  ])('%j is %s', (text, expected) => {
    expect(parseIssueNumber(text)).toBe(expected);
  });
});

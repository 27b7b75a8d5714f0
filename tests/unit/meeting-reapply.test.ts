import { describe, expect, it } from 'vitest';
import { mayReapplyHeldDecisions, REAPPLY_REASON_MAX, type ReapplyDecision } from '../../src/domain/meeting-reapply.ts';
import type { AttendanceRecord, RequiredParty } from '../../src/domain/meeting-rules.ts';

const present = (...parties: string[]): AttendanceRecord[] => parties.map((party) => ({ party, attended: true }));
const ALL = present('community', 'property', 'committee');
const REASON = '业委会主任张三实际出席，签到表漏签，已核对签到表原件';

describe('re-applying held decisions after an attendance change', () => {
  it.each<[string, readonly RequiredParty[], AttendanceRecord[], string, ReapplyDecision]>([
    [
      'committee now marked present, with a reason',
      ['committee'],
      ALL,
      `  ${REASON}  `,
      { ok: true, reason: REASON, nowPresent: ['committee'] },
    ],
    [
      'two parties were missing, both now present',
      ['committee', 'community'],
      ALL,
      REASON,
      { ok: true, reason: REASON, nowPresent: ['community', 'committee'] },
    ],
    [
      'a reason of exactly 500 characters',
      ['property'],
      ALL,
      '由'.repeat(REAPPLY_REASON_MAX),
      { ok: true, reason: '由'.repeat(500), nowPresent: ['property'] },
    ],
    ['no reason', ['committee'], ALL, '', { ok: false, code: 'invalid', errors: [{ field: 'reason', code: 'required' }] }],
    [
      'a blank reason',
      ['committee'],
      ALL,
      ' \n\t ',
      { ok: false, code: 'invalid', errors: [{ field: 'reason', code: 'required' }] },
    ],
    [
      'a reason of 501 characters',
      ['committee'],
      ALL,
      '由'.repeat(501),
      { ok: false, code: 'invalid', errors: [{ field: 'reason', code: 'too_long' }] },
    ],
    [
      'the committee still absent',
      ['committee'],
      [...present('community', 'property'), { party: 'committee', attended: false }],
      REASON,
      { ok: false, code: 'invalid', errors: [{ field: 'attendance', code: 'parties_missing', missing: ['committee'] }] },
    ],
    [
      'a resident representative does not stand in for the committee',
      ['committee'],
      present('community', 'property', 'resident_rep'),
      REASON,
      { ok: false, code: 'invalid', errors: [{ field: 'attendance', code: 'parties_missing', missing: ['committee'] }] },
    ],
    [
      'no reason and a party unrecorded: both reported',
      ['committee'],
      [...present('community', 'committee'), { party: 'property', attended: null }],
      '',
      {
        ok: false,
        code: 'invalid',
        errors: [
          { field: 'reason', code: 'required' },
          { field: 'attendance', code: 'parties_missing', missing: ['property'] },
        ],
      },
    ],
    ['decisions that were never held', [], ALL, REASON, { ok: false, code: 'not_held' }],
  ])('%s', (_name, heldFor, attendance, reason, expected) => {
    expect(mayReapplyHeldDecisions({ heldFor, attendance, reason })).toEqual(expected);
  });

  it('counts characters, not UTF-16 units: 500 emoji are within the limit', () => {
    expect(mayReapplyHeldDecisions({ heldFor: ['committee'], attendance: ALL, reason: '🏠'.repeat(500) }).ok).toBe(true);
  });
});

/**
 * Applying a joint meeting's held decisions after its attendance was changed. Pure: the caller loads the
 * meeting's verdict (which parties were missing when its decisions were held) and the attendance as it is
 * now, and audits what it does. The ordinary path (all three parties present at the verdict) is
 * planApplyMinutes in meeting-decisions.ts; the re-application then runs that same plan.
 *
 * A decision binds only if community, property and committee were each present. When one was recorded
 * absent, the decisions are held; marking the party present afterwards is a correction of the record
 * (e.g. the committee member did attend and was ticked wrongly), not a way to make an inquorate meeting
 * decide. So re-applying needs a written reason, which is audited with the attendance change and kept
 * with the minutes, and the three parties must all be present now. The earlier verdict stays in the
 * history (docs/domain.md, Joint meetings).
 */
import { REQUIRED_PARTIES, allThreePartiesPresent, type AttendanceRecord, type RequiredParty } from './meeting-rules.ts';

export const REAPPLY_REASON_MAX = 500;

export interface ReapplyInput {
  /** The parties recorded missing when the decisions were held (the verdict); empty: nothing was held. */
  readonly heldFor: readonly RequiredParty[];
  /** Attendance as it stands now. */
  readonly attendance: readonly AttendanceRecord[];
  /** Unchecked form value: why the held decisions may now be applied. */
  readonly reason: string;
}

type ReapplyError =
  | { readonly field: 'reason'; readonly code: 'required' | 'too_long' }
  | { readonly field: 'attendance'; readonly code: 'parties_missing'; readonly missing: readonly RequiredParty[] };

export type ReapplyDecision =
  | {
      readonly ok: true;
      /** The reason, trimmed, to audit and to print with the minutes. */
      readonly reason: string;
      /** The parties missing at the verdict that are now recorded present (for the audit's before/after). */
      readonly nowPresent: readonly RequiredParty[];
    }
  /** The decisions were never held: apply the minutes the ordinary way. */
  | { readonly ok: false; readonly code: 'not_held' }
  | { readonly ok: false; readonly code: 'invalid'; readonly errors: readonly ReapplyError[] };

/**
 * Whether held decisions may be applied now. Every failing condition is reported (reason first, then
 * attendance), so the form can show them together. Length counts characters (code points).
 */
export function mayReapplyHeldDecisions(input: ReapplyInput): ReapplyDecision {
  if (input.heldFor.length === 0) return { ok: false, code: 'not_held' };
  const errors: ReapplyError[] = [];
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason === '') errors.push({ field: 'reason', code: 'required' });
  else if ([...reason].length > REAPPLY_REASON_MAX) errors.push({ field: 'reason', code: 'too_long' });
  const presence = allThreePartiesPresent(input.attendance);
  if (!presence.ok) errors.push({ field: 'attendance', code: 'parties_missing', missing: presence.missing });
  if (errors.length > 0) return { ok: false, code: 'invalid', errors };
  return { ok: true, reason, nowPresent: REQUIRED_PARTIES.filter((party) => input.heldFor.includes(party)) };
}

import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, Forbidden, NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { formatFen } from '../../domain/money.ts';
import { formatShanghai, parseShanghaiLocal } from '../../domain/deadlines.ts';
import { PROPOSAL_STATUS, statusesAllowing, transitionProposal } from '../../domain/proposal-workflow.ts';
import { publishNotice } from '../notices/index.ts';
import { performIssueAction } from '../issues/index.ts';
import { recordApprovedAmount } from '../ledger/index.ts';
import { recordAttachments, type StoredFile } from '../attachments/index.ts';
import { estateContacts } from '../places/index.ts';
import { activeEstateStaff, peopleByIds } from '../auth/index.ts';
import { tellElectorateTheResult } from './closing.ts';
import { visibleProposalsWhere } from './scope.ts';
import { recordText } from './commands.ts';
import { auditVote, type AuditContext } from './audit.ts';

/**
 * The emergency path (Civil Code art. 281; 住宅专项维修资金管理办法 art. 24; docs/domain.md, Procedure
 * decisions): where the safety of the building is at risk the fund may be used without a vote, in three
 * steps, each its own action, published on the notice board and audited:
 *   1. apply     — the owners' committee (the property where the estate has no committee) applies;
 *   2. confirm   — the community's staff record their confirmation;
 *   3. authority — the housing authority's approval (document number, date, scan) is recorded; only now
 *                  is the amount approved in the ledger and may money be spent.
 */

export const EMERGENCY_STEPS = ['apply', 'confirm', 'authority'] as const;
export type EmergencyStep = (typeof EMERGENCY_STEPS)[number];

const NOTE_MAX = 1000;
const DOC_NO_MAX = 100;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const AUTHORITY_PURPOSE = 'authority_approval';

function findProposal(db: DbTx, actor: Actor, id: number) {
  return db.fundProposal.findFirst({
    where: { AND: [{ id }, visibleProposalsWhere(actor)] },
    include: {
      estate: { select: { id: true, name: true } },
      issue: { select: { id: true, title: true, state: true, emergency: true } },
      attachments: { where: { purpose: AUTHORITY_PURPOSE }, select: { id: true, originalName: true, mime: true } },
    },
  });
}
type EmergencyProposal = NonNullable<Awaited<ReturnType<typeof findProposal>>>;

/** The step that comes next, or null once the approval is recorded or the proposal ended otherwise. */
function nextStep(p: EmergencyProposal): EmergencyStep | null {
  if (p.authorityRecordedAt) return null;
  if (p.status !== PROPOSAL_STATUS.draft && p.status !== PROPOSAL_STATUS.open) return null;
  if (!p.emergencyAppliedAt) return 'apply';
  if (!p.confirmedAt) return 'confirm';
  return 'authority';
}

/** No owners' committee: none named for the estate and no active committee account serving it. */
async function estateHasNoCommittee(db: DbTx, estateId: number): Promise<boolean> {
  const [contacts, members] = await Promise.all([estateContacts(db, estateId), activeEstateStaff(db, estateId, 'committee')]);
  return (contacts?.committeeName ?? '').trim() === '' && members.length === 0;
}

/** Whether the law gives this step to this actor, for this estate (whatever the order). */
async function mayTake(db: DbTx, actor: Actor, estateId: number, step: EmergencyStep): Promise<boolean> {
  if (!actor.estateIds.includes(estateId)) return false;
  if (step === 'apply')
    return actor.role === 'committee' || (actor.role === 'property' && (await estateHasNoCommittee(db, estateId)));
  if (step === 'confirm') return actor.role === 'community';
  return actor.role === 'committee' || actor.role === 'community';
}

/** Refuses, with what the actor is told, a step that is not theirs or not the next one. */
async function checkStep(db: DbTx, actor: Actor, p: EmergencyProposal, step: EmergencyStep): Promise<void> {
  if (!(await mayTake(db, actor, p.estateId, step))) throw new Forbidden(`votes.emergency.errors.notYours.${step}`);
  if (!p.issue?.emergency) throw new Conflict('votes.errors.notEmergency');
  if (p.authorityRecordedAt) throw new Conflict('votes.emergency.errors.approved');
  const next = nextStep(p);
  if (next === null) throw new Conflict('votes.emergency.errors.ended');
  if (p.issue.state !== 'awaiting_vote') throw new Conflict('votes.errors.issueNotAwaitingVote');
  const order = EMERGENCY_STEPS.indexOf(step) - EMERGENCY_STEPS.indexOf(next);
  if (order > 0) throw new Conflict(`votes.emergency.errors.missing.${next}`);
  if (order < 0) throw new Conflict(`votes.emergency.errors.done.${step}`);
}

async function loadForStep(db: DbTx, actor: Actor, id: number, step: EmergencyStep): Promise<EmergencyProposal> {
  const proposal = await findProposal(db, actor, id);
  if (!proposal) throw new NotFound();
  await checkStep(db, actor, proposal, step);
  return proposal;
}

/** The path of one proposal: each step's record, and the step this actor may take now (if any). */
export async function getEmergencyPage(db: DbTx, actor: Actor, id: number) {
  const proposal = await findProposal(db, actor, id);
  if (!proposal || (!proposal.issue?.emergency && !proposal.emergencyAppliedAt)) throw new NotFound();
  const ids = [proposal.emergencyAppliedById, proposal.confirmedById, proposal.authorityRecordedById].filter(
    (x): x is number => x !== null,
  );
  const people = await peopleByIds(db, ids);
  const who = (userId: number | null) => (userId === null ? null : (people.get(userId) ?? null));
  const next = nextStep(proposal);
  let mine: EmergencyStep | null = null;
  if (next) {
    try {
      await checkStep(db, actor, proposal, next);
      mine = next;
    } catch (error) {
      if (!(error instanceof Forbidden || error instanceof Conflict)) throw error;
    }
  }
  return {
    proposal,
    next,
    mine,
    steps: [
      { step: 'apply', at: proposal.emergencyAppliedAt, by: who(proposal.emergencyAppliedById) },
      { step: 'confirm', at: proposal.confirmedAt, by: who(proposal.confirmedById) },
      { step: 'authority', at: proposal.authorityRecordedAt, by: who(proposal.authorityRecordedById) },
    ],
    approvedOnDay: proposal.authorityApprovedOn ? formatShanghai(proposal.authorityApprovedOn, 'zh-CN').slice(0, 10) : '',
  };
}

/** The confirmation page of a step: only shown to whom the step is theirs and comes next. */
export async function getEmergencyStepPage(db: DbTx, actor: Actor, id: number, step: EmergencyStep) {
  const proposal = await loadForStep(db, actor, id, step);
  return { proposal, step, noCommittee: actor.role === 'property' };
}

function checkNote(note: string, required: boolean): string {
  const clean = note.trim();
  const errors: FieldError[] = [];
  if (required && clean === '') errors.push({ field: 'emergencyNote', code: 'required' });
  else if (Array.from(clean).length > NOTE_MAX)
    errors.push({ field: 'emergencyNote', code: 'too_long', params: { max: NOTE_MAX } });
  if (errors.length > 0) throw new ValidationFailed(errors);
  return clean;
}

function paramsOf(p: EmergencyProposal, actor: Actor, extra: Record<string, string> = {}) {
  return { title: p.title, amount: formatFen(p.amountFen), name: actor.displayName, org: actor.orgName, ...extra };
}

async function publishStep(
  tx: DbTx,
  p: EmergencyProposal,
  actor: Actor,
  step: EmergencyStep,
  params: Record<string, string>,
  now: Date,
) {
  await publishNotice(tx, {
    estateId: p.estateId,
    kind: 'emergency_repair',
    title: recordText(`votes.emergency.notice.${step}.title`, params),
    body: recordText(`votes.emergency.notice.${step}.body`, params),
    proposalId: p.id,
    createdById: actor.userId,
    publishedAt: now,
  });
}

/** A claim on the proposal row that holds only while the path is where this step expects it. */
function claimed(count: number): void {
  if (count !== 1) throw new Conflict('votes.emergency.errors.changed');
}

/** Step 1: the committee (or, with no committee, the property) applies, saying what endangers the building. */
export async function applyForEmergency(tx: DbTx, actor: Actor, id: number, note: string, now: Date, ctx: AuditContext) {
  const p = await loadForStep(tx, actor, id, 'apply');
  const reason = checkNote(note, true);
  const update = await tx.fundProposal.updateMany({
    where: { id, status: { in: [PROPOSAL_STATUS.draft, PROPOSAL_STATUS.open] }, emergencyAppliedAt: null },
    data: { emergency: true, emergencyAppliedById: actor.userId, emergencyAppliedAt: now, updatedAt: now },
  });
  claimed(update.count);
  const params = paramsOf(p, actor, { note: reason });
  await auditVote(tx, { actor, ctx }, now, p.estateId, {
    action: 'vote.emergency_apply',
    entityType: 'fund_proposal',
    entityId: id,
    before: { status: p.status, emergencyAppliedAt: null },
    after: { status: p.status, emergency: true, amount: params.amount, issueId: p.issue?.id ?? null },
    note: reason,
  });
  await publishStep(tx, p, actor, 'apply', params, now);
}

/** Step 2: community staff record their confirmation. Nothing is approved or spent by it. */
export async function confirmEmergencyApplication(
  tx: DbTx,
  actor: Actor,
  id: number,
  note: string,
  now: Date,
  ctx: AuditContext,
) {
  const p = await loadForStep(tx, actor, id, 'confirm');
  const remark = checkNote(note, false);
  const update = await tx.fundProposal.updateMany({
    where: {
      id,
      status: { in: [PROPOSAL_STATUS.draft, PROPOSAL_STATUS.open] },
      emergencyAppliedAt: { not: null },
      confirmedAt: null,
    },
    data: { confirmedById: actor.userId, confirmedAt: now, updatedAt: now },
  });
  claimed(update.count);
  const params = paramsOf(p, actor, { note: remark });
  await auditVote(tx, { actor, ctx }, now, p.estateId, {
    action: 'vote.emergency_confirm',
    entityType: 'fund_proposal',
    entityId: id,
    before: { confirmedAt: null },
    after: { confirmedById: actor.userId, confirmedAt: formatShanghai(now, 'zh-CN') },
    note: remark,
  });
  await publishStep(tx, p, actor, 'confirm', params, now);
}

export interface AuthorityInput {
  docNo: string;
  approvedOn: string;
}

/** The authority's approval as typed: document number, date (not in the future, not before the application), scan. */
function checkAuthority(p: EmergencyProposal, input: AuthorityInput, scans: StoredFile[], now: Date) {
  const errors: FieldError[] = [];
  const docNo = input.docNo.trim();
  if (docNo === '') errors.push({ field: 'authorityDocNo', code: 'required' });
  else if (Array.from(docNo).length > DOC_NO_MAX)
    errors.push({ field: 'authorityDocNo', code: 'too_long', params: { max: DOC_NO_MAX } });
  const day = input.approvedOn.trim();
  const approvedOn = DAY.test(day) ? parseShanghaiLocal(`${day}T00:00`) : null;
  const appliedDay = p.emergencyAppliedAt
    ? parseShanghaiLocal(`${formatShanghai(p.emergencyAppliedAt, 'zh-CN').slice(0, 10)}T00:00`)
    : null;
  if (day === '') errors.push({ field: 'authorityApprovedOn', code: 'required' });
  else if (!approvedOn) errors.push({ field: 'authorityApprovedOn', code: 'invalid' });
  else if (approvedOn > now) errors.push({ field: 'authorityApprovedOn', code: 'emergency_date_future' });
  else if (appliedDay && approvedOn < appliedDay)
    errors.push({ field: 'authorityApprovedOn', code: 'emergency_date_before_application' });
  if (scans.length === 0) errors.push({ field: 'authorityScan', code: 'required' });
  if (errors.length > 0 || !approvedOn) throw new ValidationFailed(errors);
  return { docNo, approvedOn, day };
}

/**
 * Step 3: the housing authority's approval is recorded (by the committee or community staff), with its
 * scan. The proposal becomes emergency_approved (an open vote on it ends, its ballots kept), the amount
 * enters the ledger, and the issue goes back to work. All in the caller's one transaction.
 */
export async function recordAuthorityApproval(
  tx: DbTx,
  actor: Actor,
  id: number,
  input: AuthorityInput,
  scans: StoredFile[],
  now: Date,
  ctx: AuditContext,
) {
  const p = await loadForStep(tx, actor, id, 'authority');
  const clean = checkAuthority(p, input, scans, now);
  const next = transitionProposal(p.status, 'confirm_emergency');
  if (!next.ok) throw new Conflict('votes.emergency.errors.ended');
  const update = await tx.fundProposal.updateMany({
    where: {
      id,
      status: { in: statusesAllowing('confirm_emergency') },
      confirmedAt: { not: null },
      authorityRecordedAt: null,
    },
    data: {
      status: next.to,
      authorityDocNo: clean.docNo,
      authorityApprovedOn: clean.approvedOn,
      authorityRecordedById: actor.userId,
      authorityRecordedAt: now,
      closedAt: now,
      closedById: actor.userId,
      updatedAt: now,
    },
  });
  claimed(update.count);
  await recordAttachments(tx, scans, actor.userId, { proposalId: id }, now, AUTHORITY_PURPOSE);
  const params = paramsOf(p, actor, { docNo: clean.docNo, approvedOn: clean.day });
  await auditVote(tx, { actor, ctx }, now, p.estateId, {
    action: 'vote.emergency_authority',
    entityType: 'fund_proposal',
    entityId: id,
    before: { status: p.status },
    after: {
      status: next.to,
      authorityDocNo: clean.docNo,
      authorityApprovedOn: clean.day,
      amount: params.amount,
      scans: scans.length,
    },
  });
  await publishStep(tx, p, actor, 'authority', params, now);
  await recordApprovedAmount(tx, {
    estateId: p.estateId,
    proposalId: id,
    amountFen: p.amountFen,
    note: recordText('votes.ledger.approvedEmergency', params),
    recordedById: actor.userId,
    at: now,
  });
  const issueId = p.issue?.id;
  if (issueId !== undefined) {
    await performIssueAction(
      tx,
      'system',
      issueId,
      'emergency_fund_confirmed',
      { proposalId: id, approvedAmountFen: p.amountFen, note: recordText('votes.emergency.notice.authority.title', params) },
      { now, onBehalfOf: actor },
    );
  }
  if (p.openedAt !== null) {
    await tellElectorateTheResult(tx, id, p.title, next.to);
  }
}

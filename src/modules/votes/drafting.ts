import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { MATTERS, type VoteMatter } from '../../domain/vote-tally.ts';
import { parseYuanToFen } from '../../domain/money.ts';
import { parseShanghaiLocal } from '../../domain/deadlines.ts';
import { PROPOSAL_STATUS } from '../../domain/proposal-workflow.ts';
import { checkVotingPeriod } from '../../domain/vote-procedure.ts';
import { VOTE_TITLE_MAX, checkVoteTitle } from '../../domain/vote-title.ts';
import { countBuildingsOfEstate, estateSettings } from '../places/index.ts';
import { issueForFundDraft, performIssueAction } from '../issues/index.ts';
import { openVoteDecisionOfIssue } from '../meetings/index.ts';
import { recordAttachments, type StoredFile } from '../attachments/index.ts';

export const TITLE_MAX = VOTE_TITLE_MAX;
const DESCRIPTION_MAX = 4000;
export const QUOTES_TEXT_MAX = 4000;
/** A form takes a while to fill in: an opening time this far in the past still counts as "now". */
const OPENS_GRACE_MS = 60 * 60_000;

/** The draft form as typed (every field text; the building choice a list). */
export interface ProposalInput {
  estateId: string;
  issueId: string;
  matter: string;
  title: string;
  description: string;
  scope: string;
  buildingIds: string[];
  amount: string;
  opensAt: string;
  closesAt: string;
  /** The quotes the amount rests on, as the notice publishes them (the files are attached separately). */
  quotesText: string;
}

const chars = (s: string) => Array.from(s).length;

async function validateProposal(db: DbTx, actor: Actor, input: ProposalInput, now: Date) {
  const errors: FieldError[] = [];
  const title = input.title.trim();
  if (chars(input.description.trim()) > DESCRIPTION_MAX)
    errors.push({ field: 'description', code: 'too_long', params: { max: DESCRIPTION_MAX } });
  if (chars(input.quotesText.trim()) > QUOTES_TEXT_MAX)
    errors.push({ field: 'fundQuotesText', code: 'too_long', params: { max: QUOTES_TEXT_MAX } });
  if (!(MATTERS as readonly string[]).includes(input.matter)) errors.push({ field: 'fundMatter', code: 'required' });

  const estateId = Number(input.estateId);
  const estateOk = Number.isInteger(estateId) && actor.estateIds.includes(estateId);
  if (!estateOk) errors.push({ field: 'fundEstate', code: 'required' });

  let issue: Awaited<ReturnType<typeof issueForFundDraft>> = null;
  if (input.issueId !== '') {
    const issueId = Number(input.issueId);
    issue = Number.isInteger(issueId) && issueId > 0 ? await issueForFundDraft(db, actor.estateIds, issueId) : null;
    if (!issue) throw new NotFound();
    if (estateOk && issue.estateId !== estateId) errors.push({ field: 'fundEstate', code: 'invalid' });
    const mayOpenFromProgress = issue.state === 'in_progress' && issue.assignedParty === actor.role;
    if (issue.state !== 'awaiting_vote' && !mayOpenFromProgress)
      errors.push({ field: 'form', code: 'vote_issue_not_ready', params: { id: issue.id } });
  }
  // Asked for explicitly, never the complaint's headline: it is what the notice board announces.
  const titleProblem = checkVoteTitle(title, issue?.title ?? null);
  if (titleProblem) errors.unshift({ field: 'title', ...titleProblem });

  let buildingIds: number[] = [];
  if (input.scope === 'buildings') {
    buildingIds = [...new Set(input.buildingIds.map(Number))].filter((n) => Number.isInteger(n) && n > 0);
    if (buildingIds.length === 0) errors.push({ field: 'fundBuildings', code: 'vote_choose_building' });
    else if (estateOk) {
      const found = await countBuildingsOfEstate(db, estateId, buildingIds);
      if (found !== buildingIds.length) errors.push({ field: 'fundBuildings', code: 'invalid' });
    }
  } else if (input.scope !== 'estate') errors.push({ field: 'fundScope', code: 'required' });

  const amount = parseYuanToFen(input.amount);
  if (!amount.ok) errors.push({ field: 'fundAmount', code: `vote_amount_${amount.reason}` });
  else if (amount.fen === 0) errors.push({ field: 'fundAmount', code: 'vote_amount_zero' });

  const opensAt = input.opensAt.trim() === '' ? now : parseShanghaiLocal(input.opensAt);
  const closesAt = parseShanghaiLocal(input.closesAt);
  if (!opensAt) errors.push({ field: 'fundOpensAt', code: 'invalid' });
  else if (opensAt.getTime() < now.getTime() - OPENS_GRACE_MS) errors.push({ field: 'fundOpensAt', code: 'in_past' });
  if (input.closesAt.trim() === '') errors.push({ field: 'fundClosesAt', code: 'required' });
  else if (!closesAt) errors.push({ field: 'fundClosesAt', code: 'invalid' });
  else if (closesAt <= now) errors.push({ field: 'fundClosesAt', code: 'in_past' });
  else if (opensAt && closesAt <= opensAt) errors.push({ field: 'fundClosesAt', code: 'vote_closes_before_opens' });
  else if (opensAt && estateOk) {
    // The owners' rules of procedure set the shortest period (docs/domain.md, Procedure decisions);
    // opening checks it again from the moment the vote actually opens.
    const minDays = (await estateSettings(db, estateId))?.minVotingDays;
    const period = minDays ? checkVotingPeriod(opensAt < now ? now : opensAt, closesAt, minDays) : null;
    if (period && !period.ok && period.code === 'too_short')
      errors.push({ field: 'fundClosesAt', code: 'vote_period_too_short', params: { min: period.minDays } });
  }

  if (errors.length > 0) throw new ValidationFailed(errors);
  return {
    estateId,
    issue,
    title,
    description: input.description.trim(),
    quotesText: input.quotesText.trim(),
    matter: input.matter as VoteMatter,
    scope: input.scope as 'buildings' | 'estate',
    buildingIds,
    amountFen: amount.ok ? amount.fen : 0,
    opensAt: (opensAt ?? now) < now ? now : (opensAt ?? now),
    closesAt: closesAt ?? now,
  };
}

/** The issue's state before the vote, restored if the vote is cancelled ('' without an issue). */
export function returnStateOf(issue: { state: string } | null): '' | 'in_progress' | 'awaiting_meeting' {
  if (!issue) return '';
  return issue.state === 'in_progress' ? 'in_progress' : 'awaiting_meeting';
}

/**
 * Creates a draft proposal with its stored quotes. From an issue in in_progress, its assigned party also
 * moves the issue to awaiting_vote (open_vote) in the same transaction; from a meeting's open_vote
 * decision the issue is already there and the decision is linked. The same form posted twice drafts
 * once: the repeat is reported as a duplicate of the first draft.
 */
export async function createProposal(tx: DbTx, actor: Actor, input: ProposalInput, quotes: StoredFile[], now: Date) {
  if (actor.role !== 'committee' && actor.role !== 'property') throw new NotFound();
  const clean = await validateProposal(tx, actor, input, now);

  const duplicate = await tx.fundProposal.findFirst({
    where: {
      createdById: actor.userId,
      estateId: clean.estateId,
      title: clean.title,
      amountFen: clean.amountFen,
      issueId: clean.issue?.id ?? null,
      status: PROPOSAL_STATUS.draft,
      createdAt: { gte: new Date(now.getTime() - 10 * 60_000) },
    },
    select: { id: true },
  });
  if (duplicate) return { id: duplicate.id, duplicate: true };

  const decision = clean.issue ? await openVoteDecisionOfIssue(tx, clean.issue.id) : null;
  const proposal = await tx.fundProposal.create({
    data: {
      estateId: clean.estateId,
      issueId: clean.issue?.id ?? null,
      decisionId: decision?.id ?? null,
      matter: clean.matter,
      title: clean.title,
      description: clean.description,
      quotesText: clean.quotesText,
      // Where a cancelled vote sends its issue back to (docs/domain.md, Procedure decisions): the work
      // of the assigned party it was drafted from, else the joint meeting that put it to the owners.
      returnIssueState: returnStateOf(clean.issue),
      scope: clean.scope,
      amountFen: clean.amountFen,
      emergency: clean.issue?.emergency ?? false,
      opensAt: clean.opensAt,
      closesAt: clean.closesAt,
      createdById: actor.userId,
      createdAt: now,
      buildings: clean.scope === 'buildings' ? { create: clean.buildingIds.map((buildingId) => ({ buildingId })) } : undefined,
    },
  });
  await recordAttachments(tx, quotes, actor.userId, { proposalId: proposal.id }, now, 'quote');
  if (clean.issue && clean.issue.state === 'in_progress') {
    await performIssueAction(tx, actor, clean.issue.id, 'open_vote', { proposalId: proposal.id }, { now });
  }
  return { id: proposal.id, duplicate: false };
}

import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, NotFound } from '../../errors.ts';
import { formatFen } from '../../domain/money.ts';
import { PROPOSAL_STATUS, transitionProposal } from '../../domain/proposal-workflow.ts';
import { translate, type Locale } from '../../i18n/index.ts';
import { buildingsOfEstate, buildingsOfEstates, estateSettings, estatesByIds } from '../places/index.ts';
import { issueForFundDraft, issueStateForVote } from '../issues/index.ts';
import { openVoteDecisionOfIssue } from '../meetings/index.ts';
import { myVoterKeys, tallyOf } from './electorate.ts';
import { loadProposal, requireCommittee, visibleProposalsWhere } from './scope.ts';
import { closingDecision } from './closing.ts';
import { type ProposalInput } from './drafting.ts';
import { suggestVoteTitle } from '../../domain/vote-title.ts';
import { tallyView } from './live-tally.ts';

/**
 * Read models of the votes pages: the list, the draft form, the close and cancel confirmations. The vote
 * page itself, its figures and the canvass list are read in typed SQL (live-reads.ts, live-tally.ts).
 */

export async function listProposals(db: DbTx, actor: Actor) {
  const proposals = await db.fundProposal.findMany({
    where: visibleProposalsWhere(actor),
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 100,
    include: { estate: { select: { name: true } }, issue: { select: { id: true, title: true } } },
  });
  const needsMine: number[] = [];
  if (actor.role === 'resident') {
    for (const p of proposals.filter((x) => x.status === PROPOSAL_STATUS.open)) {
      const { keys } = await myVoterKeys(db, actor, p);
      if (keys.length === 0) continue;
      const cast = await db.ballot.count({ where: { proposalId: p.id, voterKey: { in: keys } } });
      if (cast < keys.length) needsMine.push(p.id);
    }
  }
  return { proposals, needsMine };
}

/**
 * A neutral title from the issue's category and place ("使用维修资金维修5号楼屋面/外墙渗漏"), offered beside
 * the empty title field, never typed into it: the drafter names what the owners vote on.
 */
function titleSuggestion(
  locale: Locale,
  issue: { category: { nameZh: string; nameEn: string } },
  buildingNames: string[],
  estateName: string,
): string {
  return suggestVoteTitle({
    locale,
    matter: 'use_fund',
    matterLabel: translate(locale, 'votes.matter.use_fund'),
    categoryName: locale === 'zh-CN' ? issue.category.nameZh : issue.category.nameEn,
    buildingNames,
    estateName,
  });
}

/** The draft form: the actor's estates and buildings, and what an issue (and its meeting decision) prefill. */
export async function draftDefaults(db: DbTx, actor: Actor, issueId: number | null, now: Date, locale: Locale = 'zh-CN') {
  const estates = await estatesByIds(db, actor.estateIds);
  const issue = issueId ? await issueForFundDraft(db, actor.estateIds, issueId) : null;
  if (issueId && !issue) throw new NotFound();
  const decision = issue ? await openVoteDecisionOfIssue(db, issue.id) : null;
  const estateId = issue?.estateId ?? estates[0]?.id ?? null;
  const buildings = issue ? await buildingsOfEstate(db, issue.estateId) : await buildingsOfEstates(db, actor.estateIds);
  const settings = estateId ? await estateSettings(db, estateId) : null;
  const issueBuilding = issue?.buildingId ? buildings.find((b) => b.id === issue.buildingId) : undefined;
  const estateName = estates.find((e) => e.id === estateId)?.name ?? '';
  return {
    minVotingDays: settings?.minVotingDays ?? null,
    titleSuggestion: issue ? titleSuggestion(locale, issue, issueBuilding ? [issueBuilding.name] : [], estateName) : '',
    estates,
    issue,
    decision,
    buildings,
    values: {
      estateId: estateId ? String(estateId) : '',
      issueId: issue ? String(issue.id) : '',
      matter: 'use_fund',
      title: '',
      description: '',
      scope: issue?.buildingId ? 'buildings' : 'estate',
      buildingIds: issue?.buildingId ? [String(issue.buildingId)] : [],
      amount: decision?.amountFen ? formatFen(decision.amountFen) : '',
      opensAt: '',
      closesAt: '',
      quotesText: '',
    } satisfies ProposalInput,
    now,
  };
}

/**
 * The confirmation page before closing: the tally as it stands, whether closing now is early, and if so
 * whether the outcome is fixed (and, if not, what could still change it). Committee of the estate only.
 */
export async function closePage(db: DbTx, actor: Actor, id: number, now: Date) {
  const proposal = await loadProposal(db, actor, id);
  requireCommittee(actor, proposal.estateId);
  if (proposal.status !== PROPOSAL_STATUS.open) throw new Conflict('votes.errors.notOpen');
  const tally = tallyView(await tallyOf(db, proposal));
  const timing = await closingDecision(db, proposal, now);
  return { proposal, tally, timing };
}

/** The confirmation page before cancelling: what is lost and where the issue goes back to. */
export async function cancelPage(db: DbTx, actor: Actor, id: number) {
  const proposal = await loadProposal(db, actor, id);
  requireCommittee(actor, proposal.estateId);
  if (!transitionProposal(proposal.status, 'cancel').ok) throw new Conflict('votes.errors.notOpen');
  const [ballots, issue] = await Promise.all([
    db.ballot.count({ where: { proposalId: id } }),
    proposal.issueId ? issueStateForVote(db, proposal.issueId) : null,
  ]);
  const returnState =
    issue?.state === 'awaiting_vote' ? (proposal.returnIssueState === 'in_progress' ? 'in_progress' : 'awaiting_meeting') : null;
  return { proposal, ballots, issueId: issue?.id ?? null, returnState };
}

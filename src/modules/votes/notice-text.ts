import type { DbTx } from '../../plugins/db.ts';
import { formatArea, formatFen } from '../../domain/money.ts';
import { formatShanghai } from '../../domain/deadlines.ts';
import type { VoteResult } from '../../domain/vote-result.ts';
import { recordText } from './commands.ts';

/**
 * The public record of a vote as the notice board (公示栏) shows it: what is put to the owners, who votes,
 * how, and when; then what was decided. Written in the estate's language (recordText), from the rows.
 */

interface ProposalFacts {
  id: number;
  title: string;
  matter: string;
  description: string;
  scope: string;
  amountFen: number;
  quotesText: string;
  opensAt: Date | null;
  closesAt: Date | null;
  openedAt: Date | null;
}

const when = (d: Date | null): string => (d ? formatShanghai(d, 'zh-CN') : '');

/** The electorate as published: scope buildings, units, area and voters, and the record date. */
export async function electorateFacts(db: DbTx, proposal: Pick<ProposalFacts, 'id' | 'scope'>) {
  const [units, buildings] = await Promise.all([
    db.voteUnit.findMany({ where: { proposalId: proposal.id }, select: { areaCentiM2: true, voterKey: true } }),
    db.fundProposalBuilding.findMany({
      where: { proposalId: proposal.id },
      select: { building: { select: { name: true } } },
      orderBy: { buildingId: 'asc' },
    }),
  ]);
  return {
    scope: proposal.scope === 'estate' ? recordText('votes.scope.estate', {}) : buildings.map((b) => b.building.name).join('、'),
    units: units.length,
    area: formatArea(units.reduce((sum, u) => sum + u.areaCentiM2, 0)),
    heads: new Set(units.map((u) => u.voterKey)).size,
  };
}

/** The notice that opens a vote: matter, electorate and record date, amount and quotes, period, how to vote. */
export function openingNotice(
  proposal: ProposalFacts,
  electorate: Awaited<ReturnType<typeof electorateFacts>>,
  extra: { quoteFiles: string[]; committee: string; minDays: number },
) {
  const quotes = [
    proposal.quotesText,
    extra.quoteFiles.length ? recordText('votes.opening.quoteFiles', { files: extra.quoteFiles.join('、') }) : '',
  ]
    .filter((s) => s !== '')
    .join('\n');
  const params = {
    title: proposal.title,
    matter: recordText(`votes.matter.${proposal.matter}`, {}),
    rule: recordText(`votes.rule.${proposal.matter}`, {}),
    ...electorate,
    recordDate: when(proposal.openedAt),
    amount: formatFen(proposal.amountFen),
    quotes: quotes === '' ? recordText('votes.opening.noQuotes', {}) : quotes,
    opensAt: when(proposal.opensAt),
    closesAt: when(proposal.closesAt),
    committee: extra.committee === '' ? recordText('votes.opening.theCommittee', {}) : extra.committee,
    minDays: extra.minDays,
  };
  const body = [
    recordText('votes.opening.matter', params),
    proposal.description,
    recordText('votes.opening.electorate', params),
    recordText('votes.opening.amount', params),
    recordText('votes.opening.quotes', params),
    recordText('votes.opening.period', params),
    recordText('votes.opening.howToVote', params),
  ].filter((line) => line !== '');
  return { title: recordText('votes.opening.title', params), body: body.join('\n') };
}

export type CloseReason = 'on_time' | 'all_voted' | 'outcome_fixed';

/** The result notice: the matter's own text, the figures on both bases, electorate, period, and any early close. */
export function resultNotice(
  proposal: ProposalFacts,
  result: VoteResult,
  electorate: Awaited<ReturnType<typeof electorateFacts>>,
  close: { reason: CloseReason; at: Date },
) {
  const params = {
    title: proposal.title,
    result: recordText(result.noticeKey, {}),
    rule: recordText(`votes.rule.${proposal.matter}`, {}),
    amount: formatFen(proposal.amountFen),
    agreeHeads: result.heads.agree,
    disagreeHeads: result.heads.disagree,
    abstainHeads: result.heads.abstain,
    agreeArea: formatArea(result.areas.agree),
    disagreeArea: formatArea(result.areas.disagree),
    abstainArea: formatArea(result.areas.abstain),
    participatingHeads: result.heads.participating,
    totalHeads: result.heads.electorate,
    participatingArea: formatArea(result.areas.participating),
    totalArea: formatArea(result.areas.electorate),
    ...electorate,
    recordDate: when(proposal.openedAt),
    opensAt: when(proposal.opensAt),
    closesAt: when(proposal.closesAt),
    closedAt: when(close.at),
    failedOn: result.failedOn.map((f) => recordText(`votes.resultNotice.failedOn.${f}`, {})).join('；'),
  };
  const consequence =
    result.outcome === 'failed'
      ? 'votes.resultNotice.failed'
      : result.createsLedgerAmount
        ? 'votes.resultNotice.ledger'
        : 'votes.resultNotice.noLedger';
  const body = [
    recordText('votes.resultNotice.outcome', params),
    recordText(consequence, params),
    recordText('votes.resultNotice.rule', params),
    recordText('votes.resultNotice.choices', params),
    recordText('votes.resultNotice.participation', params),
    recordText('votes.opening.electorate', params),
    recordText('votes.resultNotice.period', params),
    recordText(`votes.resultNotice.closed.${close.reason}`, params),
  ];
  return { title: recordText('votes.resultNotice.title', params), body: body.join('\n') };
}

/** The notice of a vote cancelled after it opened: why, and that its ballots decide nothing. */
export function cancelNotice(proposal: ProposalFacts, reason: string, at: Date) {
  const params = {
    title: proposal.title,
    reason,
    cancelledAt: when(at),
    opensAt: when(proposal.opensAt),
    closesAt: when(proposal.closesAt),
  };
  return { title: recordText('votes.cancelNotice.title', params), body: recordText('votes.cancelNotice.body', params) };
}

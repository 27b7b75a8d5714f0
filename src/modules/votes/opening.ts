import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, NotFound, ValidationFailed } from '../../errors.ts';
import { formatFen } from '../../domain/money.ts';
import { formatShanghai } from '../../domain/deadlines.ts';
import { PROPOSAL_STATUS, transitionProposal } from '../../domain/proposal-workflow.ts';
import { checkVotingPeriod } from '../../domain/vote-procedure.ts';
import { estateContacts, estateSettings } from '../places/index.ts';
import { issueStateForVote } from '../issues/index.ts';
import { notify } from '../notifications/index.ts';
import { publishNotice } from '../notices/index.ts';
import { electorateUsers, snapshotElectorate } from './electorate.ts';
import { electorateFacts, openingNotice } from './notice-text.ts';
import { returnStateOf } from './drafting.ts';
import { loadProposal, requireCommittee } from './scope.ts';
import { auditVote, type AuditContext } from './audit.ts';

/** Quote files published with the notice (files of other purposes, such as an authority's approval, are not quotes). */
const QUOTE_PURPOSES = ['quote', ''];

/**
 * Opens a draft (docs/domain.md, Procedure decisions): the period must be at least the estate's minimum
 * from the moment the vote opens, every unit of the scope must have an area, and then, in one
 * transaction, the electorate is snapshotted (the record date is the opening time), the estate's
 * secret-ballot rule is frozen, the notice is published on the board, the owners are told, and the log
 * keeps it. Any refusal writes nothing.
 */
export async function openProposal(tx: DbTx, actor: Actor, id: number, now: Date, ctx: AuditContext) {
  const proposal = await loadProposal(tx, actor, id);
  requireCommittee(actor, proposal.estateId);
  if (!transitionProposal(proposal.status, 'open').ok) throw new Conflict('votes.errors.notDraft');
  const closesAt = proposal.closesAt;
  if (!closesAt || closesAt <= now) throw new Conflict('votes.errors.closesInPast');
  const [settings, contacts] = await Promise.all([estateSettings(tx, proposal.estateId), estateContacts(tx, proposal.estateId)]);
  if (!settings || !contacts) throw new NotFound();
  const opensAt = proposal.opensAt && proposal.opensAt > now ? proposal.opensAt : now;
  const period = checkVotingPeriod(opensAt, closesAt, settings.minVotingDays);
  if (!period.ok) {
    throw new ValidationFailed([
      period.code === 'too_short'
        ? {
            field: 'form',
            code: 'vote_period_too_short_open',
            params: { min: period.minDays, closesAt: formatShanghai(closesAt, 'zh-CN') },
          }
        : { field: 'form', code: 'vote_closes_before_opens' },
    ]);
  }
  const issue = proposal.issueId ? await issueStateForVote(tx, proposal.issueId) : null;
  const returnIssueState = proposal.returnIssueState || returnStateOf(issue);

  const claimed = await tx.fundProposal.updateMany({
    where: { id, status: PROPOSAL_STATUS.draft },
    data: {
      status: PROPOSAL_STATUS.open,
      openedAt: now,
      opensAt,
      secretBallots: settings.secretBallots,
      returnIssueState,
      updatedAt: now,
    },
  });
  if (claimed.count !== 1) throw new Conflict('votes.errors.notDraft');
  // Refuses (and so rolls back the claim) on an empty electorate or units without area.
  const units = await snapshotElectorate(tx, proposal);

  const opened = await tx.fundProposal.findUniqueOrThrow({
    where: { id },
    include: {
      attachments: { where: { purpose: { in: QUOTE_PURPOSES } }, select: { originalName: true }, orderBy: { id: 'asc' } },
    },
  });
  const electorate = await electorateFacts(tx, opened);
  const notice = openingNotice(opened, electorate, {
    quoteFiles: opened.attachments.map((a, i) => a.originalName || `#${i + 1}`),
    committee: contacts.committeeName,
    minDays: settings.minVotingDays,
  });
  const published = await publishNotice(tx, {
    estateId: proposal.estateId,
    kind: 'vote_opening',
    title: notice.title,
    body: notice.body,
    proposalId: id,
    createdById: actor.userId,
    publishedAt: now,
  });
  await auditVote(tx, { actor, ctx }, now, proposal.estateId, {
    action: 'vote.open',
    entityType: 'fund_proposal',
    entityId: id,
    before: { status: proposal.status },
    after: {
      status: PROPOSAL_STATUS.open,
      title: proposal.title,
      matter: proposal.matter,
      amount: formatFen(proposal.amountFen),
      opensAt: formatShanghai(opensAt, 'zh-CN'),
      closesAt: formatShanghai(closesAt, 'zh-CN'),
      recordDate: formatShanghai(now, 'zh-CN'),
      minVotingDays: settings.minVotingDays,
      secretBallots: settings.secretBallots,
      electorateUnits: units,
      electorateArea: electorate.area,
      electorateHeads: electorate.heads,
      noticeId: published.id,
    },
  });
  const users = await electorateUsers(tx, id);
  await notify(
    tx,
    users.map((userId) => ({
      userId,
      kind: 'vote_opened',
      params: { title: proposal.title, closesAt: formatShanghai(closesAt, 'zh-CN') },
      link: `/votes/${id}`,
      proposalId: id,
    })),
  );
  return { units };
}

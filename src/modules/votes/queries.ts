import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, NotFound } from '../../errors.ts';
import type { VoteTally } from '../../domain/vote-tally.ts';
import { formatFen } from '../../domain/money.ts';
import { maskName } from '../../domain/privacy.ts';
import { PROPOSAL_STATUS, transitionProposal } from '../../domain/proposal-workflow.ts';
import { translate, type Locale } from '../../i18n/index.ts';
import { buildingsOfEstate, buildingsOfEstates, estateSettings, estatesByIds } from '../places/index.ts';
import { issueForFundDraft, issueStateForVote } from '../issues/index.ts';
import { openVoteDecisionOfIssue } from '../meetings/index.ts';
import { myVoterKeys, tallyOf } from './electorate.ts';
import { loadProposal, requireCommittee, visibleProposalsWhere } from './scope.ts';
import { closingDecision } from './closing.ts';
import { TITLE_MAX, type ProposalInput } from './drafting.ts';

/** Read models of the votes pages: the list, one proposal with its tally, the canvass, the draft form. */

/** Figures for the page: each basis against each threshold, as fractions the template prints. */
function tallyView(tally: VoteTally) {
  const pct = (part: number, whole: number) => (whole === 0 ? 0 : Math.floor((part * 1000) / whole) / 10);
  const approvalRatio = tally.threshold === 'majority' ? '> 1/2' : '≥ 3/4';
  return {
    ...tally,
    participationAreaPct: pct(tally.participatingArea, tally.totalArea),
    participationHeadPct: pct(tally.participatingHeadcount, tally.totalHeadcount),
    approvalAreaPct: pct(tally.agreeArea, tally.participatingArea),
    approvalHeadPct: pct(tally.agreeHeadcount, tally.participatingHeadcount),
    quorumAreaOk: tally.needed.participationArea === 0 && tally.totalHeadcount > 0,
    quorumHeadOk: tally.needed.participationHeadcount === 0 && tally.totalHeadcount > 0,
    approvalAreaOk: tally.participatingHeadcount > 0 && tally.needed.approvalArea === 0,
    approvalHeadOk: tally.participatingHeadcount > 0 && tally.needed.approvalHeadcount === 0,
    approvalRatio,
  };
}

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

interface CanvassFloor {
  floor: number;
  units: { unitId: number; entrance: string; room: string; area: number; names: string; voterKey: string }[];
}

/** Units whose voter has not voted, by building and floor (top floor first, for the stairwell round). */
async function canvassList(db: DbTx, actor: Actor, proposalId: number) {
  const [units, ballots] = await Promise.all([
    db.voteUnit.findMany({
      where: { proposalId },
      orderBy: [{ buildingName: 'asc' }, { floor: 'desc' }, { entrance: 'asc' }, { room: 'asc' }],
    }),
    db.ballot.findMany({ where: { proposalId }, select: { voterKey: true } }),
  ]);
  const voted = new Set(ballots.map((b) => b.voterKey));
  const full = actor.role !== 'resident';
  const buildings: { name: string; floors: CanvassFloor[]; count: number }[] = [];
  for (const u of units) {
    if (voted.has(u.voterKey)) continue;
    let b = buildings.find((x) => x.name === u.buildingName);
    if (!b) buildings.push((b = { name: u.buildingName, floors: [], count: 0 }));
    let f = b.floors.find((x) => x.floor === u.floor);
    if (!f) b.floors.push((f = { floor: u.floor, units: [] }));
    const names = full
      ? u.ownerNames
      : u.ownerNames
          .split('、')
          .map((n) => maskName(n))
          .join('、');
    f.units.push({ unitId: u.unitId, entrance: u.entrance, room: u.room, area: u.areaCentiM2, names, voterKey: u.voterKey });
    b.count += 1;
  }
  return buildings;
}

/** Voters of the electorate, for the committee's "record a ballot" choice: each key with its rooms. */
async function voterChoices(db: DbTx, proposalId: number) {
  const [units, ballots] = await Promise.all([
    db.voteUnit.findMany({ where: { proposalId }, orderBy: [{ buildingName: 'asc' }, { entrance: 'asc' }, { room: 'asc' }] }),
    db.ballot.findMany({ where: { proposalId }, select: { voterKey: true, choice: true, channel: true } }),
  ]);
  const byKey = new Map<string, { voterKey: string; names: string; rooms: string[]; voted: string | null }>();
  const choiceOf = new Map(ballots.map((b) => [b.voterKey, b.choice]));
  for (const u of units) {
    let v = byKey.get(u.voterKey);
    if (!v)
      byKey.set(
        u.voterKey,
        (v = { voterKey: u.voterKey, names: u.ownerNames, rooms: [], voted: choiceOf.get(u.voterKey) ?? null }),
      );
    v.rooms.push(`${u.buildingName} ${u.entrance}-${u.room}`);
  }
  return [...byKey.values()];
}

/** The latest ballot changes, naming voters by their rooms and owners rather than the internal key. */
async function recentChanges(db: DbTx, proposalId: number) {
  const recent = await db.ballotChange.findMany({
    where: { proposalId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 30,
    include: { actor: { select: { displayName: true, role: true } } },
  });
  const units = recent.length
    ? await db.voteUnit.findMany({ where: { proposalId, voterKey: { in: [...new Set(recent.map((c) => c.voterKey))] } } })
    : [];
  const voterLabel: Record<string, string> = {};
  for (const u of units) {
    const room = `${u.buildingName} ${u.entrance}-${u.room}`;
    voterLabel[u.voterKey] = voterLabel[u.voterKey] ? `${voterLabel[u.voterKey]}、${room}` : `${u.ownerNames} · ${room}`;
  }
  return { recent, voterLabel };
}

function inWindow(p: { opensAt: Date | null; closesAt: Date | null }, now: Date): boolean {
  return p.opensAt !== null && p.closesAt !== null && now >= p.opensAt && now < p.closesAt;
}

export async function getProposalPage(db: DbTx, actor: Actor, id: number, now: Date) {
  const proposal = await db.fundProposal.findFirst({
    where: { AND: [{ id }, visibleProposalsWhere(actor)] },
    include: {
      estate: { select: { id: true, name: true } },
      issue: { select: { id: true, title: true, state: true, emergency: true } },
      buildings: { include: { building: { select: { name: true } } } },
      attachments: { select: { id: true, mime: true, originalName: true } },
      createdBy: { select: { displayName: true, orgName: true } },
      notices: { select: { id: true, kind: true }, orderBy: { id: 'asc' } },
    },
  });
  if (!proposal) throw new NotFound();
  const isOpen = proposal.status === PROPOSAL_STATUS.open;
  // A tally exists once the electorate was snapshotted; an emergency confirmed on a draft never had one.
  const live = proposal.openedAt !== null;
  // Data no lawful tally can be made of (a unit without area from before the rule) shows as a problem
  // on the page; closing such a vote is refused with the same message (409).
  let tallyProblem = '';
  let tally: ReturnType<typeof tallyView> | null = null;
  if (live) {
    try {
      tally = tallyView(proposal.resultJson ? (JSON.parse(proposal.resultJson) as VoteTally) : await tallyOf(db, proposal));
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
      tallyProblem = error.messageKey;
    }
  }
  const mine = await myVoterKeys(db, actor, proposal);
  const myBallots = mine.keys.length ? await db.ballot.findMany({ where: { proposalId: id, voterKey: { in: mine.keys } } }) : [];
  const myUnits = mine.keys.length
    ? await db.voteUnit.findMany({ where: { proposalId: id, voterKey: { in: mine.keys } }, orderBy: { unitId: 'asc' } })
    : [];
  const isCommittee = actor.role === 'committee' && actor.estateIds.includes(proposal.estateId);
  const isCommunity = actor.role === 'community' && actor.estateIds.includes(proposal.estateId);
  const canvass = live ? await canvassList(db, actor, id) : [];
  const voters = isCommittee && isOpen ? await voterChoices(db, id) : [];
  const { recent, voterLabel } = isCommittee || isCommunity ? await recentChanges(db, id) : { recent: [], voterLabel: {} };
  return {
    proposal,
    tally,
    tallyProblem,
    voterLabel,
    mine: {
      reason: mine.reason,
      keys: mine.keys.map((key) => ({
        key,
        ballot: myBallots.find((b) => b.voterKey === key) ?? null,
        units: myUnits.filter((u) => u.voterKey === key),
      })),
    },
    isCommittee,
    isCommunity,
    windowOpen: isOpen && inWindow(proposal, now),
    notYetOpen: isOpen && proposal.opensAt !== null && now < proposal.opensAt,
    canvass,
    canvassCount: canvass.reduce((s, b) => s + b.count, 0),
    voters,
    recent,
    // the emergency path has its own page (emergency.ts): linked wherever it applies or has begun
    emergencyPath: proposal.issue?.emergency === true || proposal.emergencyAppliedAt !== null,
  };
}

/**
 * A neutral title from the matter and the scope buildings ("5号楼使用维修资金表决"), not the complaint's
 * headline: the title is what the owners vote on and what a court reads.
 */
function suggestedTitle(locale: Locale, matter: string, buildingNames: string[]): string {
  const title = translate(locale, 'votes.new.suggestedTitle', {
    buildings: buildingNames.join('、'),
    matter: translate(locale, `votes.matter.${matter}`),
  });
  return Array.from(title).slice(0, TITLE_MAX).join('');
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
  return {
    minVotingDays: settings?.minVotingDays ?? null,
    estates,
    issue,
    decision,
    buildings,
    values: {
      estateId: estateId ? String(estateId) : '',
      issueId: issue ? String(issue.id) : '',
      matter: 'use_fund',
      title: issue ? suggestedTitle(locale, 'use_fund', issueBuilding ? [issueBuilding.name] : []) : '',
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

import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { Db, DbTx } from '../../plugins/db.ts';
import { BadRequest, Conflict, Forbidden, NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { MATTERS, VOTE_CHOICES, tallyVote, type VoteChoice, type VoteMatter, type VoteTally } from '../../domain/vote-tally.ts';
import { formatArea, formatFen, parseYuanToFen } from '../../domain/money.ts';
import { formatShanghai, parseShanghaiLocal } from '../../domain/deadlines.ts';
import { keyIncludesOwner, ownerIdsOf, voterKeyOf } from '../../domain/voter-keys.ts';
import { maskName } from '../../domain/privacy.ts';
import { translate } from '../../i18n/index.ts';
import { notify, type NewNotification } from '../notifications/service.ts';
import { publishNotice } from '../notices/service.ts';
import { performIssueAction } from '../issues/service.ts';
import { recordAttachments, removeStoredFiles, storeFiles, type CheckedFile } from '../attachments/service.ts';
import { visibleProposalsWhere } from './scope.ts';

export const PROPOSAL_STATUSES = ['draft', 'open', 'passed', 'failed', 'emergency_approved', 'cancelled'] as const;
export const CHANNELS = ['online', 'paper', 'door_to_door', 'proxy'] as const;
export const RECORDED_CHANNELS = ['paper', 'door_to_door', 'proxy'] as const;
export type Channel = (typeof CHANNELS)[number];
export const TITLE_MAX = 80;
export const DESCRIPTION_MAX = 4000;
export const RECORDER_MAX = 40;
const DAY_MS = 86_400_000;
/** A form takes a while to fill in: an opening time this far in the past still counts as "now". */
const OPENS_GRACE_MS = 60 * 60_000;

// ───────────────────────────── scope ─────────────────────────────

export { visibleProposalsWhere };

async function loadProposal(db: DbTx, actor: Actor, id: number) {
  const proposal = await db.fundProposal.findFirst({ where: { AND: [{ id }, visibleProposalsWhere(actor)] } });
  if (!proposal) throw new NotFound();
  return proposal;
}

/** Committee members of the proposal's estate manage it; anyone else with sight of it gets a clear no. */
function requireCommittee(actor: Actor, estateId: number): void {
  if (actor.role !== 'committee' || !actor.estateIds.includes(estateId)) throw new Forbidden('votes.errors.committeeOnly');
}

// ───────────────────────────── voters ─────────────────────────────

/**
 * The voter keys this resident casts in this proposal: those of the electorate that include the owner
 * of record their account is linked to. Tenants and unlinked accounts have none (and are told why).
 */
export async function myVoterKeys(db: DbTx, actor: Actor, proposal: { id: number; estateId: number }) {
  if (actor.role !== 'resident') return { keys: [] as string[], reason: 'notResident' as const };
  if (actor.isTenant) return { keys: [] as string[], reason: 'tenant' as const };
  const owner = await db.owner.findFirst({ where: { userId: actor.userId, estateId: proposal.estateId }, select: { id: true } });
  if (!owner) return { keys: [] as string[], reason: 'notLinked' as const };
  const rows = await db.voteUnit.findMany({
    where: { proposalId: proposal.id, voterKey: { contains: `o:${owner.id}` } },
    select: { voterKey: true },
  });
  const keys = [...new Set(rows.map((r) => r.voterKey))].filter((k) => keyIncludesOwner(k, owner.id)).sort();
  return { keys, reason: keys.length > 0 ? null : ('notInElectorate' as const) };
}

/** Linked, active resident accounts of every owner in the electorate (who is told about the vote). */
async function electorateUsers(tx: DbTx, proposalId: number, onlyKeys?: Set<string>) {
  const rows = await tx.voteUnit.findMany({ where: { proposalId }, select: { voterKey: true }, distinct: ['voterKey'] });
  const ownerIds = new Set<number>();
  for (const r of rows) {
    if (onlyKeys && !onlyKeys.has(r.voterKey)) continue;
    for (const id of ownerIdsOf(r.voterKey)) ownerIds.add(id);
  }
  if (ownerIds.size === 0) return [];
  const owners = await tx.owner.findMany({
    where: { id: { in: [...ownerIds] }, userId: { not: null }, user: { active: true, isTenant: false } },
    select: { userId: true },
  });
  return [...new Set(owners.map((o) => o.userId as number))];
}

// ───────────────────────────── tally ─────────────────────────────

export async function tallyOf(db: DbTx, proposal: { id: number; matter: string }): Promise<VoteTally> {
  const [units, ballots] = await Promise.all([
    db.voteUnit.findMany({ where: { proposalId: proposal.id }, select: { unitId: true, areaCentiM2: true, voterKey: true } }),
    db.ballot.findMany({ where: { proposalId: proposal.id }, select: { voterKey: true, choice: true } }),
  ]);
  return tallyVote(
    units.map((u) => ({ unitId: String(u.unitId), areaCentiM2: u.areaCentiM2, voterKey: u.voterKey })),
    ballots.map((b) => ({ voterKey: b.voterKey, choice: b.choice as VoteChoice })),
    proposal.matter as VoteMatter,
  );
}

/** Figures for the page: each basis against each threshold, as fractions the template prints. */
export function tallyView(tally: VoteTally) {
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

// ───────────────────────────── lists and pages ─────────────────────────────

export async function listProposals(db: Db, actor: Actor) {
  const proposals = await db.fundProposal.findMany({
    where: visibleProposalsWhere(actor),
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 100,
    include: { estate: { select: { name: true } }, issue: { select: { id: true, title: true } } },
  });
  const needsMine: number[] = [];
  if (actor.role === 'resident') {
    for (const p of proposals.filter((x) => x.status === 'open')) {
      const { keys } = await myVoterKeys(db, actor, p);
      if (keys.length === 0) continue;
      const cast = await db.ballot.count({ where: { proposalId: p.id, voterKey: { in: keys } } });
      if (cast < keys.length) needsMine.push(p.id);
    }
  }
  return { proposals, needsMine };
}

export interface CanvassFloor {
  floor: number;
  units: { unitId: number; entrance: string; room: string; area: number; names: string; voterKey: string }[];
}

/** Units whose voter has not voted, by building and floor (top floor first, for the stairwell round). */
export async function canvassList(db: DbTx, actor: Actor, proposalId: number) {
  const [units, ballots] = await Promise.all([
    db.voteUnit.findMany({ where: { proposalId }, orderBy: [{ buildingName: 'asc' }, { floor: 'desc' }, { entrance: 'asc' }, { room: 'asc' }] }),
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
    const names = full ? u.ownerNames : u.ownerNames.split('、').map((n) => maskName(n)).join('、');
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
    if (!v) byKey.set(u.voterKey, (v = { voterKey: u.voterKey, names: u.ownerNames, rooms: [], voted: choiceOf.get(u.voterKey) ?? null }));
    v.rooms.push(`${u.buildingName} ${u.entrance}-${u.room}`);
  }
  return [...byKey.values()];
}

export async function getProposalPage(db: Db, actor: Actor, id: number, now: Date) {
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
  // A tally exists once the electorate was snapshotted; an emergency confirmed on a draft never had one.
  const live = proposal.openedAt !== null;
  const tally = live ? tallyView(proposal.resultJson ? (JSON.parse(proposal.resultJson) as VoteTally) : await tallyOf(db, proposal)) : null;
  const mine = await myVoterKeys(db, actor, proposal);
  const myBallots = mine.keys.length
    ? await db.ballot.findMany({ where: { proposalId: id, voterKey: { in: mine.keys } } })
    : [];
  const myUnits = mine.keys.length
    ? await db.voteUnit.findMany({ where: { proposalId: id, voterKey: { in: mine.keys } }, orderBy: { unitId: 'asc' } })
    : [];
  const isCommittee = actor.role === 'committee' && actor.estateIds.includes(proposal.estateId);
  const isCommunity = actor.role === 'community' && actor.estateIds.includes(proposal.estateId);
  const windowOpen = proposal.status === 'open' && inWindow(proposal, now);
  const canvass = live ? await canvassList(db, actor, id) : [];
  const voters = isCommittee && proposal.status === 'open' ? await voterChoices(db, id) : [];
  const recent = isCommittee || isCommunity
    ? await db.ballotChange.findMany({
        where: { proposalId: id },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: 30,
        include: { actor: { select: { displayName: true, role: true } } },
      })
    : [];
  // The audit names voters by their rooms and owners, not by the internal key.
  const recentUnits = recent.length
    ? await db.voteUnit.findMany({ where: { proposalId: id, voterKey: { in: [...new Set(recent.map((c) => c.voterKey))] } } })
    : [];
  const voterLabel: Record<string, string> = {};
  for (const u of recentUnits) {
    const room = `${u.buildingName} ${u.entrance}-${u.room}`;
    voterLabel[u.voterKey] = voterLabel[u.voterKey] ? `${voterLabel[u.voterKey]}、${room}` : `${u.ownerNames} · ${room}`;
  }
  return {
    proposal,
    tally,
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
    windowOpen,
    notYetOpen: proposal.status === 'open' && proposal.opensAt !== null && now < proposal.opensAt,
    canvass,
    canvassCount: canvass.reduce((s, b) => s + b.count, 0),
    voters,
    recent,
    canEmergency:
      isCommunity && (proposal.status === 'draft' || proposal.status === 'open') && proposal.issue?.emergency === true,
  };
}

function inWindow(p: { opensAt: Date | null; closesAt: Date | null }, now: Date): boolean {
  return p.opensAt !== null && p.closesAt !== null && now >= p.opensAt && now < p.closesAt;
}

// ───────────────────────────── drafting ─────────────────────────────

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
}

const chars = (s: string) => Array.from(s).length;

/** Where a draft may come from: an issue in awaiting_vote, or in in_progress for its assigned party. */
async function issueForDraft(db: DbTx, actor: Actor, issueId: number) {
  const issue = await db.issue.findFirst({
    where: { id: issueId, estateId: { in: actor.estateIds } },
    select: { id: true, estateId: true, state: true, title: true, assignedParty: true, emergency: true, buildingId: true },
  });
  return issue;
}

export async function draftDefaults(db: Db, actor: Actor, issueId: number | null, now: Date) {
  const estates = await db.estate.findMany({ where: { id: { in: actor.estateIds } }, select: { id: true, name: true }, orderBy: { id: 'asc' } });
  const issue = issueId ? await issueForDraft(db, actor, issueId) : null;
  if (issueId && !issue) throw new NotFound();
  const decision = issue
    ? await db.decision.findFirst({ where: { kind: 'open_vote', agendaItem: { issueId: issue.id } }, orderBy: { id: 'desc' } })
    : null;
  const estateId = issue?.estateId ?? estates[0]?.id ?? null;
  const buildings = estateId
    ? await db.building.findMany({ where: { estateId }, orderBy: [{ sortOrder: 'asc' }, { id: 'asc' }], select: { id: true, name: true, estateId: true } })
    : [];
  const allBuildings = await db.building.findMany({
    where: { estateId: { in: actor.estateIds } },
    orderBy: [{ estateId: 'asc' }, { sortOrder: 'asc' }, { id: 'asc' }],
    select: { id: true, name: true, estateId: true },
  });
  return {
    estates,
    issue,
    decision,
    buildings: issue ? buildings : allBuildings,
    values: {
      estateId: estateId ? String(estateId) : '',
      issueId: issue ? String(issue.id) : '',
      matter: 'use_fund',
      title: issue ? issue.title.slice(0, TITLE_MAX) : '',
      description: '',
      scope: issue?.buildingId ? 'buildings' : 'estate',
      buildingIds: issue?.buildingId ? [String(issue.buildingId)] : [],
      amount: decision?.amountFen ? formatFen(decision.amountFen) : '',
      opensAt: '',
      closesAt: '',
    } satisfies ProposalInput,
    now,
  };
}

async function validateProposal(db: DbTx, actor: Actor, input: ProposalInput, now: Date) {
  const errors: FieldError[] = [];
  const title = input.title.trim();
  if (title === '') errors.push({ field: 'title', code: 'required' });
  else if (chars(title) > TITLE_MAX) errors.push({ field: 'title', code: 'too_long', params: { max: TITLE_MAX } });
  if (chars(input.description.trim()) > DESCRIPTION_MAX) errors.push({ field: 'description', code: 'too_long', params: { max: DESCRIPTION_MAX } });
  if (!(MATTERS as readonly string[]).includes(input.matter)) errors.push({ field: 'fundMatter', code: 'required' });

  const estateId = Number(input.estateId);
  const estateOk = Number.isInteger(estateId) && actor.estateIds.includes(estateId);
  if (!estateOk) errors.push({ field: 'fundEstate', code: 'required' });

  let issue: Awaited<ReturnType<typeof issueForDraft>> = null;
  if (input.issueId !== '') {
    const issueId = Number(input.issueId);
    issue = Number.isInteger(issueId) && issueId > 0 ? await issueForDraft(db, actor, issueId) : null;
    if (!issue) throw new NotFound();
    if (estateOk && issue.estateId !== estateId) errors.push({ field: 'fundEstate', code: 'invalid' });
    const mayOpenFromProgress = issue.state === 'in_progress' && issue.assignedParty === actor.role;
    if (issue.state !== 'awaiting_vote' && !mayOpenFromProgress) errors.push({ field: 'form', code: 'vote_issue_not_ready', params: { id: issue.id } });
  }

  let buildingIds: number[] = [];
  if (input.scope === 'buildings') {
    buildingIds = [...new Set(input.buildingIds.map(Number))].filter((n) => Number.isInteger(n) && n > 0);
    if (buildingIds.length === 0) errors.push({ field: 'fundBuildings', code: 'vote_choose_building' });
    else if (estateOk) {
      const found = await db.building.count({ where: { id: { in: buildingIds }, estateId } });
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

  return {
    errors,
    clean: {
      estateId,
      issue,
      title,
      description: input.description.trim(),
      matter: input.matter as VoteMatter,
      scope: input.scope as 'buildings' | 'estate',
      buildingIds,
      amountFen: amount.ok ? amount.fen : 0,
      opensAt: (opensAt ?? now) < now ? now : (opensAt ?? now),
      closesAt: closesAt ?? now,
    },
  };
}

/**
 * Creates a draft proposal with its quotes. From an issue in in_progress, its assigned party also moves
 * the issue to awaiting_vote (open_vote) in the same transaction; from a meeting's open_vote decision the
 * issue is already there and the decision is linked. The same form posted twice drafts once.
 */
export async function createProposal(db: Db, actor: Actor, input: ProposalInput, quotes: CheckedFile[], uploadDir: string, now: Date) {
  if (actor.role !== 'committee' && actor.role !== 'property') throw new NotFound();
  const { errors, clean } = await validateProposal(db, actor, input, now);
  if (errors.length > 0) throw new ValidationFailed(errors);

  const duplicate = await db.fundProposal.findFirst({
    where: {
      createdById: actor.userId,
      estateId: clean.estateId,
      title: clean.title,
      amountFen: clean.amountFen,
      issueId: clean.issue?.id ?? null,
      status: 'draft',
      createdAt: { gte: new Date(now.getTime() - 10 * 60_000) },
    },
    select: { id: true },
  });
  if (duplicate) return duplicate.id;

  const stored = await storeFiles(uploadDir, quotes);
  try {
    return await db.$transaction(async (tx) => {
      const decision = clean.issue
        ? await tx.decision.findFirst({ where: { kind: 'open_vote', agendaItem: { issueId: clean.issue.id } }, orderBy: { id: 'desc' }, select: { id: true } })
        : null;
      const proposal = await tx.fundProposal.create({
        data: {
          estateId: clean.estateId,
          issueId: clean.issue?.id ?? null,
          decisionId: decision?.id ?? null,
          matter: clean.matter,
          title: clean.title,
          description: clean.description,
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
      await recordAttachments(tx, stored, actor.userId, { proposalId: proposal.id }, now);
      if (clean.issue && clean.issue.state === 'in_progress') {
        await performIssueAction(tx, actor, clean.issue.id, 'open_vote', { proposalId: proposal.id }, { now });
      }
      return proposal.id;
    });
  } catch (error) {
    await removeStoredFiles(uploadDir, stored);
    throw error;
  }
}

// ───────────────────────────── opening: the electorate snapshot ─────────────────────────────

export async function openProposal(db: Db, actor: Actor, id: number, now: Date) {
  return db.$transaction(async (tx) => {
    const proposal = await loadProposal(tx, actor, id);
    requireCommittee(actor, proposal.estateId);
    if (proposal.status !== 'draft') throw new Conflict('votes.errors.notDraft');
    if (!proposal.closesAt || proposal.closesAt <= now) throw new Conflict('votes.errors.closesInPast');
    const claimed = await tx.fundProposal.updateMany({
      where: { id, status: 'draft' },
      data: { status: 'open', openedAt: now, opensAt: proposal.opensAt && proposal.opensAt > now ? proposal.opensAt : now },
    });
    if (claimed.count !== 1) throw new Conflict('votes.errors.notDraft');

    const units = await snapshotElectorate(tx, proposal);
    const users = await electorateUsers(tx, id);
    await notify(
      tx,
      users.map((userId) => ({
        userId,
        kind: 'vote_opened',
        params: { title: proposal.title, closesAt: proposal.closesAt ? formatShanghai(proposal.closesAt, 'zh-CN') : '' },
        link: `/votes/${id}`,
        proposalId: id,
      })),
    );
    return { units };
  });
}

/**
 * Writes the electorate of a proposal being opened: one VoteUnit per unit of the scope buildings (or
 * the whole estate) with its area and voter key as they are now. Later roster edits do not touch it.
 */
export async function snapshotElectorate(tx: DbTx, proposal: { id: number; estateId: number; scope: string }): Promise<number> {
  const id = proposal.id;
  const scopeBuildings = await tx.fundProposalBuilding.findMany({ where: { proposalId: id }, select: { buildingId: true } });
  const units = await tx.unit.findMany({
    where:
      proposal.scope === 'estate'
        ? { building: { estateId: proposal.estateId } }
        : { buildingId: { in: scopeBuildings.map((b) => b.buildingId) }, building: { estateId: proposal.estateId } },
    include: {
      building: { select: { name: true } },
      owners: { include: { owner: { select: { id: true, name: true, isDeveloper: true } } } },
    },
  });
  if (units.length === 0) throw new Conflict('votes.errors.emptyElectorate');
  await tx.voteUnit.createMany({
    data: units.map((u) => {
      const owners = u.owners.map((ou) => ou.owner).sort((a, b) => a.id - b.id);
      return {
        proposalId: id,
        unitId: u.id,
        areaCentiM2: u.areaCentiM2,
        voterKey: voterKeyOf({ unitId: u.id, developerUnsold: u.developerUnsold, owners }),
        buildingName: u.building.name,
        floor: u.floor,
        room: u.room,
        entrance: u.entrance,
        ownerNames: owners.map((o) => o.name).join('、'),
      };
    }),
  });
  return units.length;
}

// ───────────────────────────── ballots ─────────────────────────────

export interface BallotInput {
  voterKey: string;
  choice: string;
  channel: Channel;
  recorderName?: string;
}

/**
 * Casts or changes one voter's ballot. The first statement claims the proposal row while it is open and
 * inside its window, so a close racing this ballot either sees it or refuses it; the tally is always
 * derived from the Ballot rows. Every cast and change leaves a BallotChange row.
 */
export async function castBallot(db: Db, actor: Actor, id: number, input: BallotInput, now: Date) {
  if (!(VOTE_CHOICES as readonly string[]).includes(input.choice)) throw new BadRequest('votes.errors.badChoice');
  const recorded = input.channel !== 'online';
  const recorderName = (input.recorderName ?? '').trim();
  if (recorded) {
    const errors: FieldError[] = [];
    if (!(RECORDED_CHANNELS as readonly string[]).includes(input.channel)) errors.push({ field: 'ballotChannel', code: 'required' });
    if (recorderName === '') errors.push({ field: 'recorderName', code: 'required' });
    else if (chars(recorderName) > RECORDER_MAX) errors.push({ field: 'recorderName', code: 'too_long', params: { max: RECORDER_MAX } });
    if (input.voterKey === '') errors.push({ field: 'ballotVoter', code: 'required' });
    if (errors.length > 0) throw new ValidationFailed(errors);
  }
  const attempt = () =>
    db.$transaction(async (tx) => {
      const proposal = await loadProposal(tx, actor, id);
      if (recorded) requireCommittee(actor, proposal.estateId);
      else {
        const mine = await myVoterKeys(tx, actor, proposal);
        if (mine.reason === 'tenant') throw new Forbidden('votes.errors.tenant');
        if (mine.reason === 'notLinked' || mine.reason === 'notResident') throw new Forbidden('votes.errors.notLinked');
        if (mine.reason === 'notInElectorate') throw new Forbidden('votes.errors.notInElectorate');
        if (!mine.keys.includes(input.voterKey)) throw new Forbidden('votes.errors.notYourBallot');
      }
      const claimed = await tx.fundProposal.updateMany({
        where: { id, status: 'open', opensAt: { lte: now }, closesAt: { gt: now } },
        data: { updatedAt: now },
      });
      if (claimed.count !== 1) {
        if (proposal.status === 'open' && proposal.opensAt && now < proposal.opensAt) throw new Conflict('votes.errors.notYetOpen');
        throw new Conflict('votes.errors.closed');
      }
      const inElectorate = await tx.voteUnit.findFirst({ where: { proposalId: id, voterKey: input.voterKey }, select: { unitId: true } });
      if (!inElectorate) throw new BadRequest('votes.errors.unknownVoter');

      const existing = await tx.ballot.findUnique({ where: { proposalId_voterKey: { proposalId: id, voterKey: input.voterKey } } });
      const data = {
        choice: input.choice,
        channel: input.channel,
        recordedById: recorded ? actor.userId : null,
        recorderName: recorded ? recorderName : '',
        updatedAt: now,
      };
      const ballot = existing
        ? await tx.ballot.update({ where: { id: existing.id }, data })
        : await tx.ballot.create({ data: { ...data, proposalId: id, voterKey: input.voterKey, castAt: now } });
      await tx.ballotChange.create({
        data: {
          ballotId: ballot.id,
          proposalId: id,
          voterKey: input.voterKey,
          fromChoice: existing?.choice ?? null,
          toChoice: input.choice,
          channel: input.channel,
          actorId: actor.userId,
          recorderName: recorded ? recorderName : '',
          createdAt: now,
        },
      });
      return { changed: existing !== null };
    });
  try {
    return await attempt();
  } catch (error) {
    // Two first ballots for one voter at once: the unique key refused the second; it is a change.
    if ((error as { code?: string }).code === 'P2002') return attempt();
    throw error;
  }
}

// ───────────────────────────── closing ─────────────────────────────

function noticeText(key: string, params: Record<string, string | number>) {
  return translate('zh-CN', key, params);
}

/**
 * Closes an open vote: the tally is frozen into resultJson, the result is published on the notice board,
 * the issue moves (passed -> in_progress with the approved amount; failed -> awaiting_meeting), a passed
 * vote writes its approved amount to the ledger, and the owners are told.
 */
export async function closeProposal(db: Db, who: Actor | 'system', id: number, now: Date) {
  return db.$transaction((tx) => closeProposalTx(tx, who, id, now));
}

/** closeProposal inside the caller's transaction (the demo seed closes a past vote this way). */
export async function closeProposalTx(tx: DbTx, who: Actor | 'system', id: number, now: Date) {
  const proposal = who === 'system' ? await tx.fundProposal.findUnique({ where: { id } }) : await loadProposal(tx, who, id);
  if (!proposal) throw new NotFound();
  if (who !== 'system') requireCommittee(who, proposal.estateId);
  const claimed = await tx.fundProposal.updateMany({ where: { id, status: 'open' }, data: { status: 'closing', closedAt: now } });
  if (claimed.count !== 1) throw new Conflict('votes.errors.notOpen');
  const tally = await tallyOf(tx, proposal);
  const passed = tally.approved;
  await tx.fundProposal.update({
    where: { id },
    data: {
      status: passed ? 'passed' : 'failed',
      resultJson: JSON.stringify(tally),
      closedById: who === 'system' ? null : who.userId,
      updatedAt: now,
    },
  });
  const params = {
    title: proposal.title,
    amount: formatFen(proposal.amountFen),
    participatingArea: formatArea(tally.participatingArea),
    totalArea: formatArea(tally.totalArea),
    participatingHeadcount: tally.participatingHeadcount,
    totalHeadcount: tally.totalHeadcount,
    agreeArea: formatArea(tally.agreeArea),
    agreeHeadcount: tally.agreeHeadcount,
    disagreeHeadcount: tally.disagreeHeadcount,
    abstainHeadcount: tally.abstainHeadcount,
  };
  await publishNotice(tx, {
    estateId: proposal.estateId,
    kind: 'vote_result',
    title: noticeText(passed ? 'votes.notice.passedTitle' : 'votes.notice.failedTitle', params),
    body: noticeText(passed ? 'votes.notice.passedBody' : tally.quorumReached ? 'votes.notice.failedBody' : 'votes.notice.noQuorumBody', params),
    proposalId: id,
    createdById: who === 'system' ? null : who.userId,
    publishedAt: now,
  });
  if (passed) {
    await tx.fundLedgerEntry.create({
      data: {
        estateId: proposal.estateId,
        proposalId: id,
        kind: 'approved',
        amountFen: proposal.amountFen,
        note: noticeText('votes.ledger.approvedByVote', params),
        recordedById: who === 'system' ? proposal.createdById : who.userId,
        createdAt: now,
      },
    });
  }
  if (proposal.issueId) {
    const issue = await tx.issue.findUnique({ where: { id: proposal.issueId }, select: { state: true } });
    if (issue?.state === 'awaiting_vote') {
      await performIssueAction(
        tx,
        'system',
        proposal.issueId,
        passed ? 'vote_passed' : 'vote_failed',
        { proposalId: id, note: noticeText(passed ? 'votes.notice.passedTitle' : 'votes.notice.failedTitle', params), ...(passed ? { approvedAmountFen: proposal.amountFen } : {}) },
        { now },
      );
    }
  }
  const users = await electorateUsers(tx, id);
  await notify(
    tx,
    users.map((userId) => ({
      userId,
      kind: 'vote_result',
      params: { title: proposal.title, result: passed ? 'passed' : 'failed' },
      link: `/votes/${id}`,
      proposalId: id,
    })),
  );
  return { passed, tally };
}

/** Job: every open vote past its closing time is closed by the system. */
export async function closeDueProposals(db: Db, now: Date) {
  const due = await db.fundProposal.findMany({ where: { status: 'open', closesAt: { lte: now } }, select: { id: true } });
  let closed = 0;
  for (const p of due) {
    try {
      await closeProposal(db, 'system', p.id, now);
      closed += 1;
    } catch (error) {
      if (!(error instanceof Conflict)) throw error; // closed meanwhile by the committee
    }
  }
  return closed;
}

/** Job: a day before the close, the owners who have not voted are reminded, once per vote. */
export async function sendClosingReminders(db: Db, now: Date) {
  const due = await db.fundProposal.findMany({
    where: { status: 'open', closingReminderSentAt: null, closesAt: { gt: now, lte: new Date(now.getTime() + DAY_MS) } },
  });
  for (const p of due) {
    await db.$transaction(async (tx) => {
      const claimed = await tx.fundProposal.updateMany({ where: { id: p.id, closingReminderSentAt: null }, data: { closingReminderSentAt: now } });
      if (claimed.count !== 1) return;
      const [units, ballots] = await Promise.all([
        tx.voteUnit.findMany({ where: { proposalId: p.id }, select: { voterKey: true }, distinct: ['voterKey'] }),
        tx.ballot.findMany({ where: { proposalId: p.id }, select: { voterKey: true } }),
      ]);
      const voted = new Set(ballots.map((b) => b.voterKey));
      const pending = new Set(units.map((u) => u.voterKey).filter((k) => !voted.has(k)));
      const users = await electorateUsers(tx, p.id, pending);
      await notify(
        tx,
        users.map((userId) => ({
          userId,
          kind: 'vote_closing',
          params: { title: p.title, closesAt: p.closesAt ? formatShanghai(p.closesAt, 'zh-CN') : '' },
          link: `/votes/${p.id}`,
          proposalId: p.id,
          dedupeKey: `vote_closing:${p.id}`,
        })),
      );
    });
  }
  return due.length;
}

// ───────────────────────────── emergency path ─────────────────────────────

/**
 * 危及房屋安全等紧急情况: for an issue of an emergency category the community confirms the fund use
 * without a vote. The issue must be awaiting the vote (a draft from an in-progress issue has already
 * moved it there); an open vote on it is ended, its ballots kept. Recorded, published and written to
 * the ledger like a passed vote.
 */
export async function confirmEmergency(db: Db, actor: Actor, id: number, note: string, now: Date) {
  return db.$transaction(async (tx) => {
    const proposal = await loadProposal(tx, actor, id);
    if (actor.role !== 'community' || !actor.estateIds.includes(proposal.estateId)) throw new Forbidden('votes.errors.communityOnly');
    const issue = proposal.issueId
      ? await tx.issue.findUnique({ where: { id: proposal.issueId }, select: { id: true, state: true, emergency: true } })
      : null;
    if (!issue || !issue.emergency) throw new Conflict('votes.errors.notEmergency');
    if (issue.state !== 'awaiting_vote') throw new Conflict('votes.errors.issueNotAwaitingVote');
    const claimed = await tx.fundProposal.updateMany({
      where: { id, status: { in: ['draft', 'open'] } },
      data: { status: 'emergency_approved', emergency: true, confirmedById: actor.userId, closedAt: now, closedById: actor.userId, updatedAt: now },
    });
    if (claimed.count !== 1) throw new Conflict('votes.errors.notOpen');
    const params = { title: proposal.title, amount: formatFen(proposal.amountFen), name: actor.displayName, org: actor.orgName, note: note.trim() };
    await publishNotice(tx, {
      estateId: proposal.estateId,
      kind: 'emergency_repair',
      title: noticeText('votes.notice.emergencyTitle', params),
      body: noticeText('votes.notice.emergencyBody', params),
      proposalId: id,
      createdById: actor.userId,
      publishedAt: now,
    });
    await tx.fundLedgerEntry.create({
      data: {
        estateId: proposal.estateId,
        proposalId: id,
        kind: 'approved',
        amountFen: proposal.amountFen,
        note: noticeText('votes.ledger.approvedEmergency', params),
        recordedById: actor.userId,
        createdAt: now,
      },
    });
    await performIssueAction(
      tx,
      'system',
      issue.id,
      'emergency_fund_confirmed',
      { proposalId: id, approvedAmountFen: proposal.amountFen, note: noticeText('votes.notice.emergencyTitle', params) },
      { now },
    );
    return { ok: true };
  });
}

/** The committee withdraws a draft (nothing was decided, nothing is published). */
export async function cancelDraft(db: Db, actor: Actor, id: number, now: Date) {
  return db.$transaction(async (tx) => {
    const proposal = await loadProposal(tx, actor, id);
    requireCommittee(actor, proposal.estateId);
    const claimed = await tx.fundProposal.updateMany({ where: { id, status: 'draft' }, data: { status: 'cancelled', closedAt: now, closedById: actor.userId } });
    if (claimed.count !== 1) throw new Conflict('votes.errors.notDraft');
  });
}

export const PROPOSAL_NOTIFICATION_KINDS = ['vote_opened', 'vote_closing', 'vote_result', 'vote_needs_mine'] as const;
export type { NewNotification };

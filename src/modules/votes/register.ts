import type { VoteUnit as VoteUnitRow } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import type { CsvValue } from '../../lib/csv.ts';
import { Conflict, NotFound } from '../../errors.ts';
import { maskName } from '../../domain/privacy.ts';
import { formatArea, formatFen } from '../../domain/money.ts';
import { formatShanghai } from '../../domain/deadlines.ts';
import { PROPOSAL_STATUS } from '../../domain/proposal-workflow.ts';
import { BALLOT_CHANNELS } from '../../domain/vote-procedure.ts';
import { VoteInputError, type VoteTally } from '../../domain/vote-tally.ts';
import { translator, type Locale } from '../../i18n/index.ts';
import { myVoterKeys, tallyOf } from './electorate.ts';
import { visibleProposalsWhere } from './scope.ts';
import { auditVote, type AuditContext } from './audit.ts';

/**
 * The register of a vote (表决登记册, docs/domain.md, Procedure decisions): per unit of the electorate
 * whether it took part, by which channel, and its choice, with the totals. Owners of the electorate
 * inspect it once the vote has ended; the committee and the community's staff read and export it (CSV,
 * printable page) for the owners' meeting or a court.
 */

/** Who reads: staff (committee of the estate, community staff of its community) see everything; an
 * owner of the electorate sees other owners' names masked and, where ballots are secret, no choices
 * but their own. */
export type RegisterReader = { kind: 'staff' } | { kind: 'owner'; keys: readonly string[] };

export interface RegisterRow {
  /** Units voting under one key share a number: one head, one ballot. */
  voterNo: number;
  building: string;
  entrance: string;
  room: string;
  floor: number;
  areaCentiM2: number;
  owners: string;
  tookPart: boolean;
  channel: string | null;
  agentName: string;
  recorderName: string;
  /** null: did not vote, or hidden from this reader (secret ballots). */
  choice: string | null;
  choiceHidden: boolean;
  at: Date | null;
  mine: boolean;
}

const BATCH = 500;

type RegisterProposal = Awaited<ReturnType<typeof findRegisterProposal>>;

function findRegisterProposal(db: DbTx, actor: Actor, id: number) {
  return db.fundProposal.findFirst({
    where: { AND: [{ id }, visibleProposalsWhere(actor)] },
    include: {
      estate: { select: { id: true, name: true } },
      buildings: { include: { building: { select: { name: true } } } },
    },
  });
}

/** Ended with an electorate: closed by its tally, or cancelled or ended by the emergency path after opening. */
function ended(proposal: { status: string; openedAt: Date | null }): boolean {
  return proposal.openedAt !== null && proposal.status !== PROPOSAL_STATUS.draft && proposal.status !== PROPOSAL_STATUS.open;
}

export function isRegisterStaff(actor: Actor, estateId: number): boolean {
  return (actor.role === 'committee' || actor.role === 'community') && actor.estateIds.includes(estateId);
}

/**
 * The proposal and how this actor reads its register. Anyone else, a vote never opened (no electorate),
 * and for owners a vote still open, are a 404: the register does not exist for them.
 */
export async function loadRegister(db: DbTx, actor: Actor, id: number, staffOnly = false) {
  const proposal = await findRegisterProposal(db, actor, id);
  if (!proposal || proposal.openedAt === null) throw new NotFound();
  if (isRegisterStaff(actor, proposal.estateId)) return { proposal, reader: { kind: 'staff' } as RegisterReader };
  if (!staffOnly && actor.role === 'resident' && ended(proposal)) {
    const mine = await myVoterKeys(db, actor, proposal);
    if (mine.keys.length > 0) return { proposal, reader: { kind: 'owner', keys: mine.keys } as RegisterReader };
  }
  throw new NotFound();
}

function masked(names: string): string {
  return names
    .split('、')
    .map((n) => maskName(n))
    .join('、');
}

/**
 * The register's rows in batches (keyset on building, entrance, room, unit), so an export streams and
 * never holds a large estate in memory. Voter numbers follow the order of first appearance.
 */
export async function* registerBatches(
  db: DbTx,
  proposal: { id: number; secretBallots: boolean },
  reader: RegisterReader,
): AsyncGenerator<RegisterRow[]> {
  const numbers = new Map<string, number>();
  const mineKeys = new Set(reader.kind === 'owner' ? reader.keys : []);
  let cursor: { proposalId: number; unitId: number } | null = null;
  for (;;) {
    const units: VoteUnitRow[] = await db.voteUnit.findMany({
      where: { proposalId: proposal.id },
      orderBy: [{ buildingName: 'asc' }, { entrance: 'asc' }, { room: 'asc' }, { unitId: 'asc' }],
      take: BATCH,
      ...(cursor ? { cursor: { proposalId_unitId: cursor }, skip: 1 } : {}),
    });
    if (units.length === 0) return;
    const ballots = await db.ballot.findMany({
      where: { proposalId: proposal.id, voterKey: { in: [...new Set(units.map((u) => u.voterKey))] } },
      select: { voterKey: true, choice: true, channel: true, agentName: true, recorderName: true, updatedAt: true },
    });
    const byKey = new Map(ballots.map((b) => [b.voterKey, b]));
    yield units.map((u) => {
      if (!numbers.has(u.voterKey)) numbers.set(u.voterKey, numbers.size + 1);
      const ballot = byKey.get(u.voterKey) ?? null;
      const mine = mineKeys.has(u.voterKey);
      const full = reader.kind === 'staff' || mine;
      const hidden = !full && proposal.secretBallots;
      return {
        voterNo: numbers.get(u.voterKey) ?? 0,
        building: u.buildingName,
        entrance: u.entrance,
        room: u.room,
        floor: u.floor,
        areaCentiM2: u.areaCentiM2,
        owners: full ? u.ownerNames : masked(u.ownerNames),
        tookPart: ballot !== null,
        channel: ballot?.channel ?? null,
        agentName: ballot?.agentName ? (full ? ballot.agentName : maskName(ballot.agentName)) : '',
        recorderName: ballot?.recorderName ?? '',
        choice: ballot && !hidden ? ballot.choice : null,
        choiceHidden: ballot !== null && hidden,
        at: ballot?.updatedAt ?? null,
        mine,
      };
    });
    if (units.length < BATCH) return;
    const lastUnitId: number = units[units.length - 1]!.unitId;
    cursor = { proposalId: proposal.id, unitId: lastUnitId };
  }
}

/** The totals: the frozen tally of a closed vote, else the tally of the rows (null if it cannot be made). */
async function registerTally(db: DbTx, proposal: RegisterProposal & object): Promise<VoteTally | null> {
  if (proposal.resultJson) return JSON.parse(proposal.resultJson) as VoteTally;
  try {
    return await tallyOf(db, proposal);
  } catch (error) {
    if (error instanceof VoteInputError || error instanceof Conflict) return null;
    throw error;
  }
}

export interface RegisterFact {
  label: string;
  value: string;
}

/**
 * The heading facts of the register, in one language: matter, scope, period, record date (the roster
 * snapshot taken when the vote opened), how it ended, the result and the totals. The page, the print
 * and the CSV show the same list.
 */
export async function registerFacts(db: DbTx, proposal: RegisterProposal & object, locale: Locale): Promise<RegisterFact[]> {
  const t = translator(locale);
  const [tally, units, channels] = await Promise.all([
    registerTally(db, proposal),
    db.voteUnit.count({ where: { proposalId: proposal.id } }),
    db.ballot.groupBy({ by: ['channel'], where: { proposalId: proposal.id }, _count: { _all: true } }),
  ]);
  const when = (d: Date | null) => (d ? formatShanghai(d, locale) : '');
  const scope =
    proposal.scope === 'estate' ? t('votes.scope.estate') : proposal.buildings.map((b) => b.building.name).join(t('punct.list'));
  const ending = [when(proposal.closedAt)];
  if (proposal.closeReason) ending.push(t(`votes.register.closeReason.${proposal.closeReason}`));
  if (proposal.cancelReason) ending.push(proposal.cancelReason);
  const figures = (heads: number, area: number) => t('votes.register.figures', { heads, area: formatArea(area) });
  const facts: RegisterFact[] = [
    { label: t('votes.register.fact.estate'), value: proposal.estate.name },
    { label: t('votes.register.fact.matter'), value: t(`votes.matter.${proposal.matter}`) },
    { label: t('votes.register.fact.rule'), value: t(`votes.rule.${proposal.matter}`) },
    { label: t('votes.register.fact.scope'), value: scope },
    { label: t('votes.register.fact.amount'), value: `¥${formatFen(proposal.amountFen)}` },
    { label: t('votes.register.fact.period'), value: `${when(proposal.opensAt)} — ${when(proposal.closesAt)}` },
    { label: t('votes.register.fact.recordDate'), value: when(proposal.openedAt) },
    { label: t('votes.register.fact.ended'), value: ending.filter((s) => s !== '').join(t('punct.clause')) },
    { label: t('votes.register.fact.result'), value: t(`votes.status.${proposal.status}`) },
  ];
  if (tally) {
    facts.push(
      {
        label: t('votes.register.fact.electorate'),
        value: t('votes.register.electorate', { units, heads: tally.totalHeadcount, area: formatArea(tally.totalArea) }),
      },
      { label: t('votes.register.fact.participating'), value: figures(tally.participatingHeadcount, tally.participatingArea) },
      { label: t('votes.choice.agree'), value: figures(tally.agreeHeadcount, tally.agreeArea) },
      { label: t('votes.choice.disagree'), value: figures(tally.disagreeHeadcount, tally.disagreeArea) },
      { label: t('votes.choice.abstain'), value: figures(tally.abstainHeadcount, tally.abstainArea) },
    );
  }
  const countOf = (channel: string) => channels.find((c) => c.channel === channel)?._count._all ?? 0;
  facts.push({
    label: t('votes.register.fact.channels'),
    value: BALLOT_CHANNELS.map((c) => `${t(`votes.channel.${c}`)} ${countOf(c)}`).join(t('punct.list')),
  });
  if (proposal.secretBallots) facts.push({ label: t('votes.register.fact.secret'), value: t('votes.register.secretRule') });
  return facts;
}

/** The register page (inspection): heading facts, every row, and whether choices are hidden. */
export async function getRegisterPage(db: DbTx, actor: Actor, id: number, locale: Locale) {
  const { proposal, reader } = await loadRegister(db, actor, id);
  const rows: RegisterRow[] = [];
  for await (const batch of registerBatches(db, proposal, reader)) rows.push(...batch);
  return {
    proposal,
    facts: await registerFacts(db, proposal, locale),
    rows,
    isStaff: reader.kind === 'staff',
    choicesHidden: reader.kind === 'owner' && proposal.secretBallots,
    final: ended(proposal),
  };
}

/** Each export of the register (CSV or print) is audited, in its own transaction, before it is sent. */
export async function auditRegisterExport(
  tx: DbTx,
  actor: Actor,
  proposal: { id: number; estateId: number; title: string },
  format: 'csv' | 'print',
  now: Date,
  ctx: AuditContext,
): Promise<void> {
  await auditVote(tx, { actor, ctx }, now, proposal.estateId, {
    action: 'vote.export',
    entityType: 'fund_proposal',
    entityId: proposal.id,
    after: { format },
    note: proposal.title,
  });
}

/** The column heads of the CSV export (the public record's language). */
export function registerCsvHeader(): string[] {
  const t = translator('zh-CN');
  return [
    'voterNo',
    'building',
    'entrance',
    'room',
    'floor',
    'area',
    'owners',
    'tookPart',
    'channel',
    'agent',
    'recorder',
    'choice',
    'at',
  ].map((c) => t(`votes.register.col.${c}`));
}

/** One row of the CSV export: the staff's full view, in the record's language. */
export function registerCsvRow(row: RegisterRow): CsvValue[] {
  const t = translator('zh-CN');
  return [
    row.voterNo,
    row.building,
    row.entrance,
    row.room,
    row.floor,
    formatArea(row.areaCentiM2),
    row.owners,
    t(row.tookPart ? 'votes.register.yes' : 'votes.register.no'),
    row.channel ? t(`votes.channel.${row.channel}`) : '',
    row.agentName,
    row.recorderName,
    row.choice ? t(`votes.choice.${row.choice}`) : '',
    row.at ? formatShanghai(row.at, 'zh-CN') : '',
  ];
}

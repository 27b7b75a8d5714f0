import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, ValidationFailed } from '../../errors.ts';
import {
  VoteInputError,
  electorateProblems,
  tallyVote,
  type VoteBallot,
  type VoteChoice,
  type VoteMatter,
  type VoteTally,
  type VoteUnit,
} from '../../domain/vote-tally.ts';
import { keyIncludesOwner, ownerIdsOf, voterKeyOf } from '../../domain/voter-keys.ts';
import { unitsOfEstate } from '../places/index.ts';
import { startCounts } from './tally-counts.ts';
import { activeOwnerAccounts, ownerIdOfUser, ownerLinksOfEstate, ownersByUnit } from '../roster/index.ts';

/**
 * The electorate of a vote: its snapshot of units and voter keys, who among the signed-in casts which
 * key, who is told, and the tally derived from the rows.
 */

/**
 * The voter keys this resident casts in this proposal: those of the electorate that include the owner
 * of record their account is linked to. Tenants and unlinked accounts have none (and are told why).
 */
export async function myVoterKeys(db: DbTx, actor: Actor, proposal: { id: number; estateId: number }) {
  const refused = noBallotReason(actor);
  if (refused) return { keys: [] as string[], reason: refused };
  const ownerId = await ownerIdOfUser(db, actor.userId, proposal.estateId);
  if (ownerId === null) return ownVoterKeys(null, []);
  const rows = await db.voteUnit.findMany({
    where: { proposalId: proposal.id, voterKey: { contains: `o:${ownerId}` } },
    select: { voterKey: true },
  });
  return ownVoterKeys(
    ownerId,
    rows.map((r) => r.voterKey),
  );
}

/** Why the account casts no ballot whatever the roster says (not a resident, a tenant, not yet approved), or null. */
export function noBallotReason(actor: Actor): 'notResident' | 'tenant' | 'unverified' | null {
  if (actor.role !== 'resident') return 'notResident';
  if (actor.isTenant) return 'tenant';
  // until the property or committee has approved the registration, nobody votes under this account
  if (!actor.verified) return 'unverified';
  return null;
}

/** The keys among those found (`o:<id>` anywhere in them) that include the owner, and why none if none. */
export function ownVoterKeys(ownerId: number | null, found: readonly string[]) {
  if (ownerId === null) return { keys: [] as string[], reason: 'notLinked' as const };
  const keys = [...new Set(found)].filter((k) => keyIncludesOwner(k, ownerId)).sort();
  return { keys, reason: keys.length > 0 ? null : ('notInElectorate' as const) };
}

/** Linked, active resident accounts of every owner in the electorate (who is told about the vote). */
export async function electorateUsers(tx: DbTx, proposalId: number, onlyKeys?: Set<string>): Promise<number[]> {
  // With keys given (the co-owners of one ballot), read just their rows: a 3,000-unit electorate read
  // whole inside every ballot's transaction cost ~20 ms of the single writer's time.
  const rows = await tx.voteUnit.findMany({
    where: onlyKeys ? { proposalId, voterKey: { in: [...onlyKeys] } } : { proposalId },
    select: { voterKey: true },
    distinct: ['voterKey'],
  });
  const ownerIds = new Set<number>();
  for (const r of rows) {
    if (onlyKeys && !onlyKeys.has(r.voterKey)) continue;
    for (const id of ownerIdsOf(r.voterKey)) ownerIds.add(id);
  }
  return activeOwnerAccounts(tx, [...ownerIds]);
}

/** The snapshotted electorate and the ballots as they stand, as the pure rules take them. */
export async function electorateRows(db: DbTx, proposalId: number): Promise<{ units: VoteUnit[]; ballots: VoteBallot[] }> {
  const [units, ballots] = await Promise.all([
    db.voteUnit.findMany({ where: { proposalId }, select: { unitId: true, areaCentiM2: true, voterKey: true } }),
    db.ballot.findMany({ where: { proposalId }, select: { voterKey: true, choice: true } }),
  ]);
  return {
    units: units.map((u) => ({ unitId: String(u.unitId), areaCentiM2: u.areaCentiM2, voterKey: u.voterKey })),
    ballots: ballots.map((b) => ({ voterKey: b.voterKey, choice: b.choice as VoteChoice })),
  };
}

/**
 * Runs a pure rule over the electorate. The tally refuses data no lawful tally can be made of (a unit
 * without area, an empty electorate, two ballots under one key): that is a conflict with the record to
 * be fixed, answered with a clear 409 page, never a 500.
 */
export function lawfully<T>(rule: () => T): T {
  try {
    return rule();
  } catch (error) {
    if (error instanceof VoteInputError) throw new Conflict(`votes.errors.tally.${error.code}`);
    throw error;
  }
}

export async function tallyOf(db: DbTx, proposal: { id: number; matter: string }): Promise<VoteTally> {
  const { units, ballots } = await electorateRows(db, proposal.id);
  return lawfully(() => tallyVote(units, ballots, proposal.matter as VoteMatter));
}

/**
 * Writes the electorate of a proposal being opened: one VoteUnit per unit of the scope buildings (or
 * the whole estate) with its area and voter key as they are now. Later roster edits do not touch it.
 */
export async function snapshotElectorate(tx: DbTx, proposal: { id: number; estateId: number; scope: string }): Promise<number> {
  const id = proposal.id;
  const scopeBuildings = await tx.fundProposalBuilding.findMany({ where: { proposalId: id }, select: { buildingId: true } });
  const [units, links] = await Promise.all([
    unitsOfEstate(tx, proposal.estateId, proposal.scope === 'estate' ? null : scopeBuildings.map((b) => b.buildingId)),
    ownerLinksOfEstate(tx, proposal.estateId),
  ]);
  if (units.length === 0) throw new Conflict('votes.errors.emptyElectorate');
  // A unit without a recorded area cannot enter an electorate (SPC interpretation art. 8): list them to fix.
  const problems = new Set(
    electorateProblems(units.map((u) => ({ unitId: String(u.id), areaCentiM2: u.areaCentiM2 }))).map((p) => p.unitId),
  );
  if (problems.size > 0) {
    const rooms = units.filter((u) => problems.has(String(u.id))).map((u) => `${u.building.name} ${u.entrance}-${u.room}`);
    throw new ValidationFailed([
      { field: 'form', code: 'vote_units_without_area', params: { n: rooms.length, units: rooms.join('、') } },
    ]);
  }
  const ownersOf = ownersByUnit(links);
  const rows = units.map((u) => {
    const owners = (ownersOf.get(u.id) ?? []).map((link) => link.owner).sort((a, b) => a.id - b.id);
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
  });
  await tx.voteUnit.createMany({ data: rows });
  // the running tally the vote page shows (tally-counts.ts), starting from the electorate's totals
  await startCounts(tx, id, rows);
  return units.length;
}

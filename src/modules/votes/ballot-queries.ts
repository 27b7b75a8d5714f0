import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound } from '../../errors.ts';
import { formatShanghaiLocal } from '../../domain/deadlines.ts';
import { requireCommittee, visibleProposalsWhere } from './scope.ts';

/** Read model of the committee's record form (ballots.ts holds the commands). */

/**
 * The committee's record form: the voters of the electorate (each key with its rooms and the ballot that
 * stands), and for the chosen household its ballot history with the evidence of each step.
 */
export async function recordFormPage(db: DbTx, actor: Actor, id: number, voterKey: string, now: Date) {
  const proposal = await db.fundProposal.findFirst({
    where: { AND: [{ id }, visibleProposalsWhere(actor)] },
    include: { estate: { select: { name: true } } },
  });
  if (!proposal) throw new NotFound();
  requireCommittee(actor, proposal.estateId);
  const [units, ballots] = await Promise.all([
    db.voteUnit.findMany({ where: { proposalId: id }, orderBy: [{ buildingName: 'asc' }, { entrance: 'asc' }, { room: 'asc' }] }),
    db.ballot.findMany({
      where: { proposalId: id },
      select: {
        voterKey: true,
        choice: true,
        channel: true,
        recorderName: true,
        agentName: true,
        signedAt: true,
        updatedAt: true,
      },
    }),
  ]);
  const ballotOf = new Map(ballots.map((b) => [b.voterKey, b]));
  const voters = new Map<string, { voterKey: string; names: string; rooms: string[]; ballot: (typeof ballots)[number] | null }>();
  for (const u of units) {
    let v = voters.get(u.voterKey);
    if (!v)
      voters.set(
        u.voterKey,
        (v = { voterKey: u.voterKey, names: u.ownerNames, rooms: [], ballot: ballotOf.get(u.voterKey) ?? null }),
      );
    v.rooms.push(`${u.buildingName} ${u.entrance}-${u.room}`);
  }
  const selected = voters.get(voterKey) ?? null;
  const history = selected
    ? await db.ballotChange.findMany({
        where: { proposalId: id, voterKey },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        include: {
          actor: { select: { displayName: true } },
          evidence: { select: { id: true, originalName: true, purpose: true } },
        },
      })
    : [];
  const windowOpen =
    proposal.status === 'open' &&
    proposal.opensAt !== null &&
    proposal.closesAt !== null &&
    now >= proposal.opensAt &&
    now < proposal.closesAt;
  return { proposal, voters: [...voters.values()], selected, history, windowOpen, today: formatShanghaiLocal(now).slice(0, 10) };
}

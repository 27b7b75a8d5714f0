import type { DbTx } from '../../plugins/db.ts';
import { Conflict } from '../../errors.ts';
import { formatShanghai } from '../../domain/deadlines.ts';

/**
 * The roster is frozen for the units of an open vote's electorate (docs/domain.md, fund votes): changing
 * who owns a unit, or its area, while owners are voting would change whose ballot counts and how much.
 * Which units are in an open vote is the votes module's knowledge, and votes reads the roster, so the
 * roster does not import votes: the app hands the roster routes this question (`unitsLockedByOpenVotes`
 * from votes' front door).
 */

/** A unit in the electorate of an open vote, with that vote. */
export interface UnitVoteLock {
  unitId: number;
  proposalId: number;
  title: string;
  closesAt: Date | null;
}

/** Which of these units are in an open vote's electorate (one lock per unit). */
export type UnitsLockedByOpenVotes = (db: DbTx, unitIds: readonly number[]) => Promise<UnitVoteLock[]>;

/** A unit as the refusal names it. */
export interface LockedUnitLabel {
  building: string;
  entrance: string;
  room: string;
}

/** One open vote that holds units the edit would touch. */
export interface LockingVote {
  proposalId: number;
  title: string;
  /** The closing time in China Standard Time, as the page shows it ("2026-11-27 18:30"). */
  closesAt: string;
  units: LockedUnitLabel[];
}

/**
 * The edit touches units of an open vote: refused, nothing written. A Conflict (409), so an unhandled one
 * still shows the first vote's name and closing time; the roster pages list every vote and unit.
 */
export class RosterLockedByVote extends Conflict {
  constructor(readonly votes: LockingVote[]) {
    const first = votes[0];
    super('roster.locked.unit', { title: first?.title ?? '', closesAt: first?.closesAt ?? '' });
  }
}

/**
 * Throws RosterLockedByVote when any of these units is in an open vote's electorate. `labelOf` names a
 * unit for the message. Runs inside the edit's transaction, before anything is written.
 */
export async function assertRosterUnlocked(
  tx: DbTx,
  locks: UnitsLockedByOpenVotes,
  unitIds: readonly number[],
  labelOf: (unitId: number) => LockedUnitLabel,
): Promise<void> {
  if (unitIds.length === 0) return;
  const found = await locks(tx, unitIds);
  if (found.length === 0) return;
  const votes = new Map<number, LockingVote>();
  for (const lock of found) {
    let vote = votes.get(lock.proposalId);
    if (!vote) {
      vote = {
        proposalId: lock.proposalId,
        title: lock.title,
        closesAt: lock.closesAt ? formatShanghai(lock.closesAt, 'zh-CN') : '',
        units: [],
      };
      votes.set(lock.proposalId, vote);
    }
    vote.units.push(labelOf(lock.unitId));
  }
  throw new RosterLockedByVote([...votes.values()]);
}

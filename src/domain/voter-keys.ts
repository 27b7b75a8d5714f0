/**
 * Who votes for a unit in an owners' vote (docs/domain.md, Fund-use votes; SPC interpretation on building
 * ownership art. 9: "一个专有部分按一人计算 ... 同一买受人拥有一个以上专有部分的 ... 按一人计算").
 *
 * The voter of a unit is its buyer, i.e. the exact set of its owners of record:
 * - one owner:            'o:<ownerId>'. A person owning several units alone has the same key on all of
 *                         them: one head, their whole area.
 * - co-owners:            the sorted owner keys joined with '+', e.g. 'o:12+o:13'. They cast one ballot
 *                         together (either of them may cast or change it; every change is audited).
 * - developer's unsold:   'developer' for every such unit: the developer counts as one head.
 * - no owner of record:   'u:<unitId>'. The unit still counts (its area and one head) but only a ballot
 *                         recorded by the committee (paper, visit, proxy) can cover it.
 *
 * A person who owns unit X alone and unit Y with a spouse is, in law, two different buyers (the person;
 * the couple), so X and Y have two keys and two heads, and the person has two ballots to cast. This
 * never counts a unit twice nor one buyer twice, and it is the reading the registry certificates support.
 */

export const DEVELOPER_VOTER_KEY = 'developer';

interface UnitOwnership {
  readonly unitId: number;
  readonly developerUnsold: boolean;
  readonly owners: readonly { readonly id: number; readonly isDeveloper: boolean }[];
}

function ownerToken(ownerId: number): string {
  return `o:${ownerId}`;
}

export function voterKeyOf(unit: UnitOwnership): string {
  const people = unit.owners.filter((o) => !o.isDeveloper);
  if (unit.developerUnsold || (unit.owners.length > 0 && people.length === 0)) return DEVELOPER_VOTER_KEY;
  if (people.length === 0) return `u:${unit.unitId}`;
  return [...new Set(people.map((o) => o.id))]
    .sort((a, b) => a - b)
    .map(ownerToken)
    .join('+');
}

/** The owner ids a voter key stands for (none for the developer or an ownerless unit). */
export function ownerIdsOf(voterKey: string): number[] {
  return voterKey
    .split('+')
    .map((part) => /^o:(\d+)$/.exec(part)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number);
}

/** Whether the owner with this id votes under this key (alone or as a co-owner). */
export function keyIncludesOwner(voterKey: string, ownerId: number): boolean {
  return ownerIdsOf(voterKey).includes(ownerId);
}

/**
 * Which issues an actor may see (docs/domain.md, Scope), as a filter any issue query starts from. Pure, so
 * every module that shows something hanging off an issue (photos, for one) applies the same rule without
 * depending on the issues module. An issue outside it is a 404, never a 403, so its existence does not leak.
 */
export type IssueVisibility =
  | Record<string, never>
  | { reporterId: number }
  | { estateId: number; OR: [{ reporterId: number }, { isPublic: true }] }
  | { estateId: { in: number[] } };

export function visibleIssues(actor: {
  role: string;
  userId: number;
  homeEstateId: number | null;
  estateIds: readonly number[];
}): IssueVisibility {
  switch (actor.role) {
    case 'admin':
      return {};
    case 'resident':
      if (actor.homeEstateId === null) return { reporterId: actor.userId };
      return { estateId: actor.homeEstateId, OR: [{ reporterId: actor.userId }, { isPublic: true }] };
    default:
      // property and committee: the estates they serve; community staff: every estate of their community
      return { estateId: { in: [...actor.estateIds] } };
  }
}

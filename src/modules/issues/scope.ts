import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import { visibleIssues } from '../../domain/issue-visibility.ts';

/** The issues an actor may see: the pure rule in src/domain/issue-visibility.ts, typed for Prisma. */
export function visibleIssuesWhere(actor: Actor): Prisma.IssueWhereInput {
  return visibleIssues(actor);
}

/** Whether the actor sees the reporter's name and phone unmasked. */
export function seesReporterIdentity(actor: Actor, reporterId: number): boolean {
  return actor.role !== 'resident' || actor.userId === reporterId;
}

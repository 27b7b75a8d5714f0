import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { activeCategories, unitWithBuilding } from '../places/index.ts';

/** Read models for the filing form. The lists are in list-reads.ts, the issue page in page-reads.ts. */

/** What the filing form offers: the active categories and the resident's own unit (if registered). */
export async function newIssueFormData(db: DbTx, actor: Actor) {
  const [categories, unit] = await Promise.all([activeCategories(db), actor.unitId ? unitWithBuilding(db, actor.unitId) : null]);
  return { categories, unit };
}

/** The issue the reporter already filed with this form (its submission key), if any. */
export async function issueIdBySubmissionKey(db: DbTx, reporterId: number, submissionKey: string): Promise<number | null> {
  const issue = await db.issue.findUnique({
    where: { reporterId_submissionKey: { reporterId, submissionKey } },
    select: { id: true },
  });
  return issue?.id ?? null;
}

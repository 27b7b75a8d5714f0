import type { DbTx } from '../../plugins/db.ts';
import { DEFAULT_CATEGORIES } from '../../domain/deadlines.ts';

/**
 * A fresh install starts with the shared category set (deadlines after common 12345 practice), so the
 * first resident can file before anyone has configured anything; administrators and community staff
 * adjust it afterwards. Does nothing once any category exists. Returns how many were created.
 */
export async function ensureDefaultCategories(tx: DbTx): Promise<number> {
  if ((await tx.category.count()) > 0) return 0;
  await tx.category.createMany({ data: DEFAULT_CATEGORIES.map((c) => ({ ...c, communityId: null })) });
  return DEFAULT_CATEGORIES.length;
}

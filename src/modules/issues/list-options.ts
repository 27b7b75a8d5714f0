import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { allCategories, buildingsWithEstateName } from '../places/index.ts';

export interface QueueFilterOptions {
  categories: Awaited<ReturnType<typeof allCategories>>;
  buildings: Awaited<ReturnType<typeof buildingsWithEstateName>>;
}

/**
 * What the queue's filter menus offer: every category and the buildings of the actor's estates. They
 * change rarely (an administrator adds a category or a building), so they are kept in this process per
 * estate set for `ttlMs` (60 s) and most queue requests read them without a statement.
 *
 * Staleness, on purpose: a category or building added, renamed or removed shows in the menus (and, for a
 * building, counts as one of the actor's for the filter) up to a minute later, in each process. Nothing
 * about who may see which issue comes from here: the lists apply the actor's scope themselves.
 *
 * One cache per app (made by the routes plugin), bounded to `maxEntries` estate sets, oldest dropped first.
 * Concurrent misses for one estate set share one load; a failed load is not kept.
 */
export function queueFilterOptionsCache(db: DbTx, options: { ttlMs?: number; maxEntries?: number; clock?: () => number } = {}) {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 200;
  const clock = options.clock ?? Date.now;
  const entries = new Map<string, { at: number; value: Promise<QueueFilterOptions> }>();

  async function load(estateIds: number[] | 'all'): Promise<QueueFilterOptions> {
    const [categories, buildings] = await Promise.all([allCategories(db), buildingsWithEstateName(db, estateIds)]);
    return { categories, buildings };
  }

  return function optionsFor(actor: Actor): Promise<QueueFilterOptions> {
    const estateIds = actor.role === 'admin' ? 'all' : [...actor.estateIds].sort((a, b) => a - b);
    const key = estateIds === 'all' ? 'all' : estateIds.join(',');
    const now = clock();
    const cached = entries.get(key);
    if (cached && now - cached.at < ttlMs) return cached.value;
    entries.delete(key);
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
    const value = load(estateIds);
    entries.set(key, { at: now, value });
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    return value;
  };
}

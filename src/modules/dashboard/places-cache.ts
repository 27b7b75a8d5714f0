import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { DEFAULT_METRICS_OPTIONS, type MetricsOptions } from '../../domain/metrics.ts';
import { buildingsWithEstateName, settingValue } from '../places/index.ts';

/** Setting key of the weight of 基本满意 in the satisfaction rate, as "num/den" (default 9/10). */
export const WEIGHT_SETTING = 'metrics.basicallySatisfiedWeight';

export function parseWeight(value: string | null): MetricsOptions {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(value ?? '');
  if (!m) return DEFAULT_METRICS_OPTIONS;
  const num = Number(m[1]);
  const den = Number(m[2]);
  if (den <= 0 || num > den) return DEFAULT_METRICS_OPTIONS;
  return { basicallySatisfiedWeight: { num, den } };
}

export interface DashboardPlaces {
  options: MetricsOptions;
  /** The buildings of the grid with their estates' names; none for an administrator or an actor without estates. */
  buildings: Awaited<ReturnType<typeof buildingsWithEstateName>>;
}

export type DashboardPlacesLoader = (actor: Actor) => Promise<DashboardPlaces>;

/**
 * What the dashboard reads besides the issues: the weight setting and the buildings of the actor's
 * estates (the grid, with their estates' names). They change rarely, so they are kept in this process
 * per estate set for `ttlMs` (60 s), as the queue's filter menus are (issues/list-options.ts): measured on
 * the 100,000-issue bench city, these three Prisma statements were a quarter of a dashboard request's CPU
 * time, more than the issues' own read.
 *
 * Staleness, on purpose: a building added, renamed or removed, or a new weight, shows up to a minute
 * later, in each process. Nothing about whose issues are counted comes from here: the issues' read
 * applies the actor's scope itself.
 *
 * One cache per app (made by the routes plugin), bounded to `maxEntries` estate sets, oldest dropped first.
 * Concurrent misses for one estate set share one load; a failed load is not kept.
 */
export function dashboardPlacesCache(
  db: DbTx,
  options: { ttlMs?: number; maxEntries?: number; clock?: () => number } = {},
): DashboardPlacesLoader {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 200;
  const clock = options.clock ?? Date.now;
  const entries = new Map<string, { at: number; value: Promise<DashboardPlaces> }>();

  async function load(estateIds: number[] | null): Promise<DashboardPlaces> {
    const [weight, buildings] = await Promise.all([
      settingValue(db, WEIGHT_SETTING),
      // an administrator's grid is the buildings with issues in the period (the city's every building is not a grid)
      estateIds === null || estateIds.length === 0 ? Promise.resolve([]) : buildingsWithEstateName(db, estateIds),
    ]);
    return { options: parseWeight(weight), buildings };
  }

  return function placesFor(actor: Actor): Promise<DashboardPlaces> {
    const estateIds = actor.role === 'admin' ? null : [...actor.estateIds].sort((a, b) => a - b);
    const key = estateIds === null ? 'all' : estateIds.join(',');
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

import { expressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Static } from '@sinclair/typebox';
import type { Actor } from '../../actor.ts';
import type { DB } from '../../generated/kysely/types.ts';
import { BadRequest } from '../../errors.ts';
import { BOUNCING_HANDOFFS } from '../../domain/issue-workflow.ts';
import { parseShanghaiLocal } from '../../domain/deadlines.ts';
import { sqlTime } from '../../plugins/sql.ts';
import type { QueueQuery as QueueQuerySchema } from './schemas.ts';
import type { ListOrder } from './list-orders.ts';
import type { QueueFilterOptions } from './list-options.ts';

/**
 * The staff queue's filters as the query string carries them (the form, the pager's links, the dashboard's
 * figures, the CSV export), read once into what the list needs (list-reads.ts `listQueue`).
 */

export const QUEUE_SORTS = ['due', 'age', 'supports'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];
export const QUEUE_FLAGS = ['bouncing', 'reopened', 'dissatisfied'] as const;
export type QueueFlag = (typeof QUEUE_FLAGS)[number];

export interface QueueQuery {
  view?: string;
  state?: string;
  categoryId?: number;
  buildingId?: number;
  estateId?: number;
  party?: string;
  overdue?: boolean;
  emergency?: boolean;
  /** The search box (search-sql.ts): words, or `#123` / `123` for that issue. */
  q?: string;
  sort?: QueueSort;
  /** Filed on or after `from` and before `toEnd` (the start of the day after the last one). */
  from?: Date;
  toEnd?: Date;
  flag?: QueueFlag;
  after?: string;
  before?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** The start of a Shanghai calendar day given as YYYY-MM-DD; a 400 for anything else (2026-02-30 too). */
function shanghaiDayStart(value: string): Date {
  const start = DATE.test(value) ? parseShanghaiLocal(`${value}T00:00`) : null;
  if (start === null) throw new BadRequest();
  return start;
}

/**
 * The query string of /issues and /issues.csv: `filters`, the values as typed (for the form and the links,
 * empty ones dropped there), and `query`, what the list reads. A bad date, or an estate not the actor's, is
 * a 400 here, before anything is rendered or streamed.
 */
export function readQueueQuery(q: Static<typeof QueueQuerySchema>, actor: Actor) {
  const filters = {
    view: q.view ?? '',
    state: q.state ?? '',
    category: q.category ?? '',
    building: q.building ?? '',
    estate: q.estate ?? '',
    party: q.party ?? '',
    overdue: q.overdue === '1' ? '1' : '',
    emergency: q.emergency === '1' ? '1' : '',
    q: (q.q ?? '').trim(),
    sort: q.sort ?? '',
    from: (q.from ?? '').trim(),
    to: (q.to ?? '').trim(),
    flag: q.flag ?? '',
  };
  const query: QueueQuery = {
    view: filters.view,
    state: filters.state,
    categoryId: filters.category ? Number(filters.category) : undefined,
    buildingId: filters.building ? Number(filters.building) : undefined,
    estateId: filters.estate ? estateInScope(actor, Number(filters.estate)) : undefined,
    party: filters.party,
    overdue: filters.overdue === '1',
    emergency: filters.emergency === '1',
    q: filters.q,
    sort: filters.sort === '' ? undefined : filters.sort,
    from: filters.from === '' ? undefined : shanghaiDayStart(filters.from),
    toEnd: filters.to === '' ? undefined : new Date(shanghaiDayStart(filters.to).getTime() + DAY_MS),
    flag: filters.flag === '' ? undefined : filters.flag,
    after: q.after,
    before: q.before,
  };
  return { filters, query };
}

const eb = expressionBuilder<{ i: DB['Issue'] }, 'i'>();
type Condition = Expression<SqlBool>;

/** The estate filter: one of the actor's estates (any, for an administrator), else a 400. */
export function estateInScope(actor: Actor, estateId: number): number {
  if (actor.role !== 'admin' && !actor.estateIds.includes(estateId)) throw new BadRequest();
  return estateId;
}

/**
 * The filing-date and flag filters as conditions. Filing dates bound the index ranges themselves when the
 * list is read by filing date (newest or oldest first: its indexes end in createdAt); otherwise they, and
 * the flags (few issues have them), are tested on the window.
 */
export function dateAndFlagConditions(query: QueueQuery, order: ListOrder): { where: Condition[]; window: Condition[] } {
  const dates: Condition[] = [];
  if (query.from) dates.push(eb('i.createdAt', '>=', sqlTime(query.from)));
  if (query.toEnd) dates.push(eb('i.createdAt', '<', sqlTime(query.toEnd)));
  const window: Condition[] = [];
  if (query.flag === 'bouncing') window.push(eb('i.handoffCount', '>=', BOUNCING_HANDOFFS));
  if (query.flag === 'reopened') window.push(eb('i.reopenCount', '>=', 1));
  if (query.flag === 'dissatisfied') window.push(eb('i.rating', '=', 'dissatisfied'));
  const byFilingDate = order === 'history' || order === 'age';
  return byFilingDate ? { where: dates, window } : { where: [], window: [...dates, ...window] };
}

/** The filters that can be cleared one by one (the tab and the order stay). */
const CLEARABLE = [
  'q',
  'state',
  'category',
  'building',
  'estate',
  'party',
  'overdue',
  'emergency',
  'from',
  'to',
  'flag',
] as const;

/**
 * What the queue's form and list show of the filters: the order and flag menus, the estates to pick from
 * (those of the actor's buildings, and the one asked for if it has none), and each active filter with a
 * link to the queue without it (and one without any), so they can be cleared without JavaScript.
 */
export function queueFormData(filters: Record<string, string>, options: QueueFilterOptions) {
  const estates = new Map<number, string>();
  for (const b of options.buildings) estates.set(b.estateId, b.estate.name);
  const estateId = Number(filters.estate || 0);
  if (estateId > 0 && !estates.has(estateId)) estates.set(estateId, `#${estateId}`);
  const href = (without: readonly string[]) => {
    const kept = Object.entries(filters).filter(([name, value]) => value !== '' && !without.includes(name));
    return kept.length === 0 ? '/issues' : `/issues?${new URLSearchParams(kept).toString()}`;
  };
  const named = (name: string, value: string): string => {
    if (name === 'building') {
      const building = options.buildings.find((b) => String(b.id) === value);
      return building ? `${building.estate.name} ${building.name}` : `#${value}`;
    }
    if (name === 'estate') return estates.get(Number(value)) ?? `#${value}`;
    return value;
  };
  const active = CLEARABLE.filter((name) => (filters[name] ?? '') !== '').map((name) => ({
    name,
    value: filters[name]!,
    shown: named(name, filters[name]!),
    category: name === 'category' ? (options.categories.find((c) => String(c.id) === filters[name]) ?? null) : null,
    clearHref: href([name]),
  }));
  return {
    sorts: QUEUE_SORTS,
    flags: QUEUE_FLAGS,
    estates: [...estates].map(([id, name]) => ({ id, name })),
    activeFilters: active,
    clearAllHref: href([...CLEARABLE]),
  };
}

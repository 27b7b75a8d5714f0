import type { DaySpan } from '../../domain/dashboard-periods.ts';

/**
 * Links from a figure to the queue that lists the issues behind it (src/modules/issues/list-reads.ts):
 * the issues filed in the same Shanghai days (`from`, `to`), narrowed like the figure. Only the `all` and
 * `open` tabs are used: every staff role's queue has both (community staff's triage / overdue / resolved
 * tabs and property's and committee's "assigned" tab are their own), so a link lands on a queue the
 * viewer has. Overdue is the `overdue=1` filter on `open`, which is the community's overdue tab.
 */
export interface QueueFilter {
  view?: 'all' | 'open';
  overdue?: boolean;
  flag?: 'bouncing' | 'reopened' | 'dissatisfied';
  party?: string;
  category?: number;
  building?: number;
  estate?: number;
}

export function queueHref(span: Pick<DaySpan, 'from' | 'to'>, filter: QueueFilter = {}): string {
  const params = new URLSearchParams({ view: filter.view ?? 'all' });
  if (filter.estate !== undefined) params.set('estate', String(filter.estate));
  if (filter.building !== undefined) params.set('building', String(filter.building));
  if (filter.category !== undefined) params.set('category', String(filter.category));
  if (filter.party !== undefined) params.set('party', filter.party);
  if (filter.overdue) params.set('overdue', '1');
  if (filter.flag !== undefined) params.set('flag', filter.flag);
  params.set('from', span.from);
  params.set('to', span.to);
  return `/issues?${params.toString()}`;
}

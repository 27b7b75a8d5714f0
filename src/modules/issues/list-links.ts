import type { ListOrder } from './list-orders.ts';

/**
 * The links of a keyset-paged list (views/issues/_list-pager.njk), plain hrefs so paging works without
 * JavaScript: the first page, the previous one (`before` its first row) and the next one (`after` its
 * last row), each keeping the list's filters (the empty ones left out). `here` is the page itself (where
 * a "me too" returns).
 */
export function listLinks(
  path: string,
  filters: Record<string, string>,
  page: { after: string | null; before: string | null; atStart: boolean; order: ListOrder },
  current: { after?: string; before?: string },
  target: string,
) {
  const kept = Object.entries(filters).filter(([, value]) => value !== '');
  const url = (extra: [string, string][]) => {
    const query = new URLSearchParams([...kept, ...extra]).toString();
    return query === '' ? path : `${path}?${query}`;
  };
  const base = url([]);
  const at = (key: 'after' | 'before', cursor: string) => url([[key, cursor]]);
  return {
    base,
    here: current.after ? at('after', current.after) : current.before ? at('before', current.before) : base,
    firstHref: page.atStart ? '' : base,
    prevHref: page.before ? at('before', page.before) : '',
    nextHref: page.after ? at('after', page.after) : '',
    // newest first reads 较新的/较早的; every other order 上一页/下一页
    pagerOrder: page.order === 'history' ? 'history' : 'open',
    listTarget: target,
  };
}

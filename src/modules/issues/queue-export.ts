import type { Actor } from '../../actor.ts';
import type { Sql } from '../../plugins/sql.ts';
import type { Locale, Translate } from '../../i18n/index.ts';
import { formatShanghai } from '../../domain/deadlines.ts';
import type { CsvValue } from '../../lib/csv.ts';
import { listQueue, type QueueQuery } from './list-reads.ts';
import type { QueueFilterOptions } from './list-options.ts';

/**
 * The staff queue as a spreadsheet (issue #12, exports): every issue of the tab, filters, search and sort
 * the queue shows, in its order, read by the queue's own keyset pages (so the same scope, the same filters,
 * and no offset), streamed a page at a time. The reporter's identity is not in it: the queue does not show
 * it either. (The query string is read by list-filters.ts `readQueueQuery`, as the queue's is.)
 */

/** How many rows one export may hold at most (a community's whole history is a few thousand). */
export const EXPORT_LIMIT = 50_000;

const COLUMNS = [
  'id',
  'title',
  'state',
  'emergency',
  'category',
  'estate',
  'building',
  'party',
  'org',
  'createdAt',
  'respondBy',
  'resolveBy',
  'overdue',
  'supports',
  'photos',
  'handoffs',
  'reopens',
] as const;

export function queueExportHeader(t: Translate): string[] {
  return COLUMNS.map((column) => t(`issues.export.column.${column}`));
}

/** The rows of the queue as it would page, batch by batch, until its end (or EXPORT_LIMIT). */
export async function* queueExportBatches(
  sql: Sql,
  actor: Actor,
  query: Omit<QueueQuery, 'after' | 'before'>,
  options: QueueFilterOptions,
  now: Date,
  t: Translate,
  locale: Locale,
): AsyncGenerator<CsvValue[][]> {
  const yes = t('issues.export.yes');
  const time = (at: Date) => formatShanghai(at, locale);
  let after: string | undefined;
  let written = 0;
  for (;;) {
    const page = await listQueue(sql, actor, { ...query, after }, options, now);
    const rows = page.items
      .slice(0, EXPORT_LIMIT - written)
      .map((i): CsvValue[] => [
        i.id,
        i.title,
        t(`state.${i.state}`),
        i.emergency ? yes : '',
        locale === 'zh-CN' ? i.category.nameZh : i.category.nameEn,
        i.estate.name,
        i.building?.name ?? '',
        i.assignedParty ? t(`party.${i.assignedParty}`) : '',
        i.assignedOrg,
        time(i.createdAt),
        time(i.respondBy),
        time(i.resolveBy),
        i.overdue ? yes : '',
        i.supportCount,
        i.attachmentCount,
        i.handoffCount,
        i.reopenCount,
      ]);
    written += rows.length;
    yield rows;
    if (!page.after || written >= EXPORT_LIMIT) return;
    after = page.after;
  }
}

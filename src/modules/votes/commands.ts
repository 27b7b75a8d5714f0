import { translate } from '../../i18n/index.ts';

/**
 * State changes of a fund vote live by use case: drafting.ts, opening.ts, ballots.ts, closing.ts
 * (closing and cancelling), emergency.ts. Each takes the caller's transaction (the route or job opens it).
 */

/** Notices and ledger notes are the public record, written in the estate's language. */
export function recordText(key: string, params: Record<string, string | number>): string {
  return translate('zh-CN', key, params);
}

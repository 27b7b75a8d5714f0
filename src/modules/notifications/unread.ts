import type { Expression, SqlBool } from 'kysely';
import type { Sql } from '../../plugins/sql.ts';

/**
 * The reader's unread count as a scalar subquery, for the one statement that loads a request's session
 * (src/modules/auth/sessions.ts, wired by app.ts): every page's header shows it, so it rides along with
 * the session instead of costing a statement of its own. A SEARCH on the (userId, readAt, createdAt)
 * index over the reader's unread rows only; those held for the reader's digest are filtered from them.
 */
export function unreadCountSubquery(sql: Sql, userId: Expression<number>) {
  return (
    sql
      .selectFrom('Notification')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('Notification.userId', '=', userId)
      .where('Notification.readAt', 'is', null)
      // `not held` rather than `held = 0`, so the planner keeps to the (userId, readAt, createdAt) index
      // instead of walking the reader's rows through the (held, userId) one.
      .where((eb) => eb.not(eb.ref('Notification.held').$castTo<SqlBool>()))
  );
}

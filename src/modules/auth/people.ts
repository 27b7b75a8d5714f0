import type { DbTx } from '../../plugins/db.ts';

/**
 * Reads and small commands on people (users and the estates they serve) that other modules need:
 * participants of a meeting, recipients of a notification, the owner of a calendar feed. The auth
 * module owns the User, UserEstate and Session tables; nobody else queries them.
 */
export type { DbTx };

import { Type, type Static } from '@sinclair/typebox';
import type { FieldError } from '../../errors.ts';
import { parseShanghaiLocal } from '../../domain/deadlines.ts';
import type { AuditCursor, AuditFilters } from './queries.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_ID = 2147483647;

// A search form submits every field, empty ones as ''; each is optional text and is checked below, so a
// badly typed date comes back as an inline message on the form rather than a bare 400.
const text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
// A position in the log: "<ms since epoch>.<id>", written by the pager links.
const cursor = Type.Optional(Type.String({ pattern: '^[0-9]{1,15}\\.[0-9]{1,10}$' }));

export const AuditFilterQuery = Type.Object({
  action: text(60),
  actor: text(60),
  entityType: text(40),
  entityId: text(40),
  from: text(40),
  to: text(40),
  q: text(100),
});

export const AuditPageQuery = Type.Object({
  ...AuditFilterQuery.properties,
  before: cursor,
  after: cursor,
});

export type AuditFilterQueryT = Static<typeof AuditFilterQuery>;

/** The form's values as typed (trimmed), to show them back in the form and carry them in links. */
export interface AuditFormValues {
  action: string;
  actor: string;
  entityType: string;
  entityId: string;
  from: string;
  to: string;
  q: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The start of a Shanghai calendar day ("2026-11-20"), or null when it is not a real date. */
function shanghaiDayStart(value: string): Date | null {
  return DATE.test(value) ? parseShanghaiLocal(`${value}T00:00`) : null;
}

export function readFilters(query: AuditFilterQueryT): { values: AuditFormValues; filters: AuditFilters; errors: FieldError[] } {
  const values: AuditFormValues = {
    action: (query.action ?? '').trim(),
    actor: (query.actor ?? '').trim(),
    entityType: (query.entityType ?? '').trim(),
    entityId: (query.entityId ?? '').trim(),
    from: (query.from ?? '').trim(),
    to: (query.to ?? '').trim(),
    q: (query.q ?? '').trim(),
  };
  const errors: FieldError[] = [];
  const from = values.from === '' ? null : shanghaiDayStart(values.from);
  const toStart = values.to === '' ? null : shanghaiDayStart(values.to);
  if (values.from !== '' && from === null) errors.push({ field: 'auditFrom', code: 'audit_invalid_date' });
  if (values.to !== '' && toStart === null) errors.push({ field: 'auditTo', code: 'audit_invalid_date' });
  if (from !== null && toStart !== null && toStart < from) errors.push({ field: 'auditTo', code: 'audit_before_from' });
  const filters: AuditFilters = {
    action: values.action,
    actor: values.actor,
    entityType: values.entityType,
    entityId: values.entityId,
    from,
    until: toStart === null ? null : new Date(toStart.getTime() + DAY_MS),
    q: values.q,
  };
  return { values, filters, errors };
}

/** A pager position from its link, or null when it names no possible entry. */
export function readCursor(value: string | undefined): AuditCursor | null {
  if (value === undefined) return null;
  const [ms, id] = value.split('.').map(Number);
  if (ms === undefined || id === undefined || id < 1 || id > MAX_ID) return null;
  return { at: new Date(ms), id };
}

export function writeCursor(cursor: AuditCursor): string {
  return `${cursor.at.getTime()}.${cursor.id}`;
}

/** The search as a query string (non-empty fields only), for the pager and the export link. */
export function filterQueryString(values: AuditFormValues): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== '') params.set(key, value);
  return params.toString();
}

import type { Translate } from '../../i18n/index.ts';
import { toShanghaiParts } from '../../domain/deadlines.ts';
import type { AuditEntry } from '../../generated/prisma/client.ts';

/** One key whose value differs between before and after (or appears or disappears). */
export interface AuditChange {
  /** '' when the recorded value is not an object (a number, a list, text). */
  key: string;
  kind: 'changed' | 'added' | 'removed';
  before: string;
  after: string;
}

/** An entry as the page and the export show it: labels translated, time in Asia/Shanghai, changes read. */
export interface AuditRow {
  id: number;
  at: Date;
  time: string;
  actorName: string;
  actorRole: string;
  roleLabel: string;
  ip: string;
  action: string;
  /** The translated label, or '' when the code has none. */
  actionLabel: string;
  entityType: string;
  entityLabel: string;
  entityId: string;
  changes: AuditChange[];
  beforeJson: string;
  afterJson: string;
  note: string;
}

const MAX_VALUE_CHARS = 300;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "2026-11-20 10:00:05" on the Shanghai clock: an audit entry is read to the second. */
export function shanghaiSeconds(date: Date): string {
  const p = toShanghaiParts(date);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** "20261120": today's date in Shanghai, for a file name. */
export function shanghaiDateStamp(date: Date): string {
  const p = toShanghaiParts(date);
  return `${p.year}${pad(p.month)}${pad(p.day)}`;
}

/** A catalogue label for a code, or '' when the catalogue has none (the caller shows the code). */
function labelOf(t: Translate, prefix: string, code: string): string {
  if (code === '') return '';
  const key = prefix + code;
  const label = t(key);
  return label === key ? '' : label;
}

type Parsed = { present: false } | { present: true; value: unknown };

function parseStored(json: string): Parsed {
  if (json === '') return { present: false };
  try {
    return { present: true, value: JSON.parse(json) as unknown };
  } catch {
    // Written by recordAudit, so always JSON; shown as it stands rather than hidden if it ever is not.
    return { present: true, value: json };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as a person reads it: text as it is, null as a dash, anything else as compact JSON. */
export function readableValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = '';
  else if (value === null) text = '—';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = JSON.stringify(value) ?? '';
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What changed, from the stored before/after JSON: for objects, each key whose value differs (keys in the
 * order they were recorded, unchanged keys left out); for anything else, the two values.
 */
export function describeChanges(beforeJson: string, afterJson: string): AuditChange[] {
  const before = parseStored(beforeJson);
  const after = parseStored(afterJson);
  if (!before.present && !after.present) return [];
  const b = before.present ? before.value : undefined;
  const a = after.present ? after.value : undefined;
  if ((b === undefined || isPlainObject(b)) && (a === undefined || isPlainObject(a))) {
    const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])];
    const changes: AuditChange[] = [];
    for (const key of keys) {
      const hadKey = b !== undefined && Object.hasOwn(b, key);
      const hasKey = a !== undefined && Object.hasOwn(a, key);
      const was = hadKey ? b[key] : undefined;
      const now = hasKey ? a[key] : undefined;
      if (hadKey && hasKey && same(was, now)) continue;
      changes.push({
        key,
        kind: !hadKey ? 'added' : !hasKey ? 'removed' : 'changed',
        before: hadKey ? readableValue(was) : '',
        after: hasKey ? readableValue(now) : '',
      });
    }
    return changes;
  }
  if (before.present && after.present && same(b, a)) return [];
  return [
    {
      key: '',
      kind: !before.present ? 'added' : !after.present ? 'removed' : 'changed',
      before: before.present ? readableValue(b) : '',
      after: after.present ? readableValue(a) : '',
    },
  ];
}

/** "status: pending → approved; role: 居民 → 物业", one line for a CSV cell. */
export function changesText(changes: readonly AuditChange[]): string {
  return changes
    .map((c) => {
      const values = `${c.before === '' ? '∅' : c.before} → ${c.after === '' ? '∅' : c.after}`;
      return c.key === '' ? values : `${c.key}: ${values}`;
    })
    .join('; ');
}

export function presentEntry(entry: AuditEntry, t: Translate): AuditRow {
  return {
    id: entry.id,
    at: entry.at,
    time: shanghaiSeconds(entry.at),
    actorName: entry.actorName,
    actorRole: entry.actorRole,
    roleLabel: labelOf(t, 'role.', entry.actorRole) || entry.actorRole,
    ip: entry.ip,
    action: entry.action,
    actionLabel: labelOf(t, 'audit.action.', entry.action),
    entityType: entry.entityType,
    entityLabel: labelOf(t, 'audit.entity.', entry.entityType) || entry.entityType,
    entityId: entry.entityId,
    changes: describeChanges(entry.beforeJson, entry.afterJson),
    beforeJson: entry.beforeJson,
    afterJson: entry.afterJson,
    note: entry.note,
  };
}

/** The export's columns, in order: the header (translated) and each row's cells. */
export function csvHeader(t: Translate): string[] {
  return [
    t('audit.col.id'),
    t('audit.col.time'),
    t('audit.col.actor'),
    t('audit.col.role'),
    t('audit.col.ip'),
    t('audit.col.action'),
    t('audit.col.actionCode'),
    t('audit.col.entityType'),
    t('audit.col.entityId'),
    t('audit.col.changes'),
    t('audit.col.before'),
    t('audit.col.after'),
    t('audit.col.note'),
  ];
}

export function csvCells(row: AuditRow): (string | number)[] {
  return [
    row.id,
    row.time,
    row.actorName,
    row.roleLabel,
    row.ip,
    row.actionLabel || row.action,
    row.action,
    row.entityLabel,
    row.entityId,
    changesText(row.changes),
    row.beforeJson,
    row.afterJson,
    row.note,
  ];
}

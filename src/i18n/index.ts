import { messages as common } from './messages/common.ts';
import { messages as auth } from './messages/auth.ts';
import { messages as issues } from './messages/issues.ts';
import { messages as notices } from './messages/notices.ts';
import { messages as notifications } from './messages/notifications.ts';
import { messages as dashboard } from './messages/dashboard.ts';
import { messages as meetings } from './messages/meetings.ts';
import { messages as votes } from './messages/votes.ts';
import { messages as registrations } from './messages/registrations.ts';
import { messages as audit } from './messages/audit.ts';
import { messages as places } from './messages/places.ts';
import { messages as accounts } from './messages/accounts.ts';
import { messages as roster } from './messages/roster.ts';
import { messages as chrome } from './messages/chrome.ts';
import { messages as duplicates } from './messages/duplicates.ts';
import { messages as reminders } from './messages/reminders.ts';
import { messages as queue } from './messages/queue.ts';
import type { Catalogue } from './types.ts';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * Each feature keeps its own part of the catalogue (src/i18n/messages/<feature>.ts); they are merged
 * here, and a key defined twice is a startup error rather than a silent override.
 */
const PARTS: Catalogue[] = [
  common,
  auth,
  issues,
  notices,
  meetings,
  notifications,
  dashboard,
  votes,
  registrations,
  places,
  audit,
  accounts,
  roster,
  reminders,
  duplicates,
  queue,
  chrome,
];

function merge(parts: Catalogue[]): Record<Locale, Record<string, string>> {
  const out: Record<Locale, Record<string, string>> = { 'zh-CN': {}, en: {} };
  for (const part of parts) {
    for (const locale of LOCALES) {
      for (const [key, value] of Object.entries(part[locale])) {
        if (key in out[locale]) throw new Error(`i18n: message key "${key}" is defined twice (${locale})`);
        out[locale][key] = value;
      }
    }
  }
  return out;
}

export const CATALOGUE = merge(PARTS);

export type Translate = (key: string, params?: Record<string, unknown>) => string;

export function translate(locale: Locale, key: string, params?: Record<string, unknown>): string {
  const template = CATALOGUE[locale][key] ?? CATALOGUE[DEFAULT_LOCALE][key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined || params[name] === null ? whole : String(params[name]),
  );
}

export function translator(locale: Locale): Translate {
  return (key, params) => translate(locale, key, params);
}

/** Picks the UI language: an explicit choice (cookie), then the account's, then Accept-Language, then zh-CN. */
export function pickLocale(
  cookie: string | undefined,
  userLocale: string | undefined,
  acceptLanguage: string | undefined,
): Locale {
  if (isLocale(cookie)) return cookie;
  if (isLocale(userLocale)) return userLocale;
  if (acceptLanguage && /^\s*en\b/i.test(acceptLanguage)) return 'en';
  return DEFAULT_LOCALE;
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, pickLocale, translate } from '../../src/i18n/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'generated' ? [] : filesUnder(full, ext);
    return full.endsWith(ext) ? [full] : [];
  });
}

/** Every literal key the UI asks for: t('…') in templates and in TypeScript. */
function literalKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  for (const file of [...filesUnder(path.join(ROOT, 'views'), '.njk'), ...filesUnder(path.join(ROOT, 'src'), '.ts')]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*\.[\w.-]*[\w])'/g))
      keys.set(m[1] as string, path.relative(ROOT, file));
  }
  return keys;
}

describe('message catalogue', () => {
  it('has the same keys in Simplified Chinese and English', () => {
    const zh = Object.keys(CATALOGUE['zh-CN']).sort();
    const en = Object.keys(CATALOGUE.en).sort();
    expect(zh.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !zh.includes(k))).toEqual([]);
  });

  it('has no empty message', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const empty = Object.entries(CATALOGUE[locale])
        .filter(([, v]) => v.trim() === '')
        .map(([k]) => k);
      expect(empty, locale).toEqual([]);
    }
  });

  it('defines every literal key that a template or module asks for', () => {
    const missing = [...literalKeys()].filter(([key]) => !(key in CATALOGUE['zh-CN'])).map(([key, file]) => `${key} (${file})`);
    expect(missing).toEqual([]);
  });

  it('uses the same placeholders in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const differing = Object.keys(CATALOGUE['zh-CN']).filter(
      (k) =>
        CATALOGUE.en[k] !== undefined &&
        names(CATALOGUE['zh-CN'][k] as string).join() !== names(CATALOGUE.en[k] as string).join(),
    );
    expect(differing).toEqual([]);
  });
});

describe('translate', () => {
  it.each([
    ['zh-CN', 'pager.position', { page: 2, pages: 5 }, '第 2 / 5 页'],
    ['en', 'pager.position', { page: 2, pages: 5 }, 'Page 2 of 5'],
    ['en', 'no.such.key', undefined, 'no.such.key'],
    ['zh-CN', 'time.left', {}, '剩余 {d}'],
  ] as const)('%s %s -> %s', (locale, key, params, expected) => {
    expect(translate(locale, key, params as Record<string, unknown> | undefined)).toBe(expected);
  });

  it.each([
    [undefined, undefined, undefined, 'zh-CN'],
    ['en', 'zh-CN', undefined, 'en'],
    [undefined, 'en', undefined, 'en'],
    ['xx', undefined, 'en-US,en;q=0.9', 'en'],
    [undefined, undefined, 'zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
  ] as const)('picks the language from cookie %s, account %s, Accept-Language %s -> %s', (cookie, account, accept, expected) => {
    expect(pickLocale(cookie, account, accept)).toBe(expected);
  });
});

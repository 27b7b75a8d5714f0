import { describe, expect, it } from 'vitest';
import { likePattern, matchQuery, searchWords } from '../../src/modules/issues/search-sql.ts';
import { compareKeys, decodeCursor, encodeCursor, type ListOrder, type SortKey } from '../../src/modules/issues/list-orders.ts';

describe('the queue search’s words', () => {
  it.each([
    ['天花板', ['天花板']],
    ['  卧室 天花板  ', ['卧室', '天花板']],
    ['天花板　漏水', ['天花板', '漏水']], // the full-width space of Chinese input
    ['漏水 漏水', ['漏水']],
    ['', []],
    ['a b c d e f g h i j', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']],
  ])('“%s” is searched as %j', (typed, words) => {
    expect(searchWords(typed)).toEqual(words);
  });

  it.each([
    [['天花板'], '"天花板"'],
    [['天花板', '漏水了'], '"天花板" "漏水了"'],
    [['"'], '""""'],
    [['a"b*c'], '"a""b*c"'],
    [['OR'], '"OR"'],
    [['NEAR(x'], '"NEAR(x"'],
  ])('%j is quoted for MATCH as %s (every word literal, all of them required)', (words, query) => {
    expect(matchQuery(words)).toBe(query);
  });

  it.each([
    ['100%', '%100\\%%'],
    ['a_b', '%a\\_b%'],
    ['c:\\x', '%c:\\\\x%'],
  ])('a short word %s is a LIKE pattern %s that matches it literally', (word, pattern) => {
    expect(likePattern(word)).toBe(pattern);
  });
});

describe('list cursors', () => {
  const key: SortKey = {
    emergency: 1,
    supportCount: 3,
    createdAt: '2026-11-20T02:00:00.000+00:00',
    dueAt: '2026-11-21T02:00:00.000+00:00',
    id: 42,
  };
  const ORDERS: ListOrder[] = ['open', 'history', 'age', 'supports', 'due'];

  it.each(ORDERS)('a cursor of the %s order reads back in that order', (order) => {
    const back = decodeCursor(encodeCursor({ order, key }), order);
    expect(back.order).toBe(order);
    expect(back.key.id).toBe(42);
  });

  it.each(ORDERS.flatMap((a) => ORDERS.filter((b) => b !== a).map((b) => [a, b] as const)))(
    'a cursor of the %s order is refused by the %s order',
    (from, to) => {
      expect(() => decodeCursor(encodeCursor({ order: from, key }), to)).toThrow();
    },
  );

  it('orders rows by the due date, then the id', () => {
    const rows = [
      { ...key, id: 3, dueAt: '2026-11-22T00:00:00.000+00:00' },
      { ...key, id: 2, dueAt: '2026-11-21T00:00:00.000+00:00' },
      { ...key, id: 1, dueAt: '2026-11-22T00:00:00.000+00:00' },
    ];
    expect([...rows].sort(compareKeys('due', 'after')).map((r) => r.id)).toEqual([2, 1, 3]);
    expect([...rows].sort(compareKeys('due', 'before')).map((r) => r.id)).toEqual([3, 1, 2]);
  });
});

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

describe('WORKERS, the number of server processes', () => {
  it('is one unless set', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ WORKERS: '' }).workers).toBe(1);
  });

  it('takes the number set', () => {
    expect(loadConfig({ WORKERS: '4' }).workers).toBe(4);
  });

  it.each(['0', '-2', '1.5', 'two'])('refuses %s at start-up', (value) => {
    expect(() => loadConfig({ WORKERS: value })).toThrow(/WORKERS/);
  });
});

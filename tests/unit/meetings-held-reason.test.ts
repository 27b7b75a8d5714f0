import { describe, expect, it } from 'vitest';
import { heldReasonParties } from '../../src/modules/meetings/service.ts';

describe('reading why a meeting’s decisions were held', () => {
  it.each([
    ['missing:committee', ['committee']],
    ['missing:property,committee', ['property', 'committee']],
    ['missing:', []],
    ['', []],
    ['something else', []],
  ])('reads %j as the absent parties %j', (reason, parties) => {
    expect(heldReasonParties(reason)).toEqual(parties);
  });
});

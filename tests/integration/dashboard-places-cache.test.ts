import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { actorFor, makeWorld, type World } from '../helpers/world.ts';
import { dashboardPlacesCache, parseWeight } from '../../src/modules/dashboard/places-cache.ts';
import { DEFAULT_METRICS_OPTIONS } from '../../src/domain/metrics.ts';

/**
 * What the dashboard keeps in memory besides the issues (issue #12, measured on the bench city): the
 * weight setting and the grid's buildings, per estate set, for a minute; then read again.
 */

let t: TestApp;
let world: World;

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
});

afterAll(async () => t?.close());

describe('the dashboard’s places', () => {
  it('are served from memory for a minute, then read again', async () => {
    let now = 0;
    const placesFor = dashboardPlacesCache(t.app.db, { clock: () => now });
    const actor = actorFor(world.users.propertyA, [world.estateA.id]);
    const before = await placesFor(actor);
    expect(before.buildings.length).toBeGreaterThan(0);
    expect(before.buildings.every((b) => b.estateId === world.estateA.id && b.estate.name === world.estateA.name)).toBe(true);
    expect(before.options).toEqual(DEFAULT_METRICS_OPTIONS);
    const added = await t.app.db.building.create({ data: { estateId: world.estateA.id, name: '新楼', floors: 3 } });
    await t.app.db.setting.create({ data: { key: 'metrics.basicallySatisfiedWeight', value: '4/5' } });
    now += 59_000;
    const kept = await placesFor(actor);
    expect(kept.buildings.map((b) => b.id)).not.toContain(added.id);
    expect(kept.options).toEqual(DEFAULT_METRICS_OPTIONS);
    now += 2_000;
    const fresh = await placesFor(actor);
    expect(fresh.buildings.map((b) => b.id)).toContain(added.id);
    expect(fresh.options).toEqual({ basicallySatisfiedWeight: { num: 4, den: 5 } });
    // another estate set is its own entry; an administrator's grid is made from the issues, not read here
    const other = await placesFor(actorFor(world.users.propertyB, [world.estateB.id]));
    expect(other.buildings.length).toBeGreaterThan(0);
    expect(other.buildings.every((b) => b.estateId === world.estateB.id)).toBe(true);
    expect((await placesFor(actorFor(world.users.admin, []))).buildings).toEqual([]);
  });

  it('share one read between requests that miss together, whatever the order of the estates', async () => {
    const placesFor = dashboardPlacesCache(t.app.db);
    const both = [world.estateA.id, world.estateB.id];
    const [a, b] = await Promise.all([
      placesFor(actorFor(world.users.propertyA, both)),
      placesFor(actorFor(world.users.propertyB, [...both].reverse())),
    ]);
    expect(b).toBe(a);
  });
});

describe('the weight of 基本满意', () => {
  it.each([
    ['9/10', { num: 9, den: 10 }],
    ['4/5', { num: 4, den: 5 }],
    ['0/1', { num: 0, den: 1 }],
    ['6/5', null],
    ['1/0', null],
    ['0.9', null],
    ['', null],
  ])('reads %j as %j (null: the default)', (value, weight) => {
    expect(parseWeight(value)).toEqual(weight === null ? DEFAULT_METRICS_OPTIONS : { basicallySatisfiedWeight: weight });
  });

  it('is the default when the setting is missing', () => {
    expect(parseWeight(null)).toEqual(DEFAULT_METRICS_OPTIONS);
  });
});

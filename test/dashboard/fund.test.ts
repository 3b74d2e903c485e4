/**
 * The blended fund (src/dashboard/fund.ts) of accounts whose NAV logs start at different times, share some
 * instants and repeat others, against a plain loop of its definition: at each instant any account recorded,
 * each account at its last NAV so far; the index chained from the NAV changes of the accounts present
 * before and after each step.
 */
import { describe, expect, it } from 'vitest';
import { blend, type NavSource } from '../../src/dashboard/fund.js';

const H = 3_600_000;

function account(name: string, points: [number, number][]): NavSource {
  const last = points.at(-1);
  return { account: name, nav: points, lastNav: last === undefined ? null : { nav_usd: last[1], gross_exposure_usd: 10, net_exposure_usd: -4 } };
}

/** The definition, written plainly: O(instants × records). */
function reference(accounts: readonly NavSource[]): { nav: [number, number][]; index: [number, number][] } {
  const times = [...new Set(accounts.flatMap((a) => a.nav.map(([t]) => t)))].sort((a, b) => a - b);
  const at = (a: NavSource, t: number) => a.nav.filter(([u]) => u <= t).at(-1)?.[1] ?? null;
  const nav: [number, number][] = [];
  const index: [number, number][] = [];
  let level = 1;
  times.forEach((t, j) => {
    const now = accounts.map((a) => at(a, t));
    if (j > 0) {
      const before = accounts.map((a) => at(a, times[j - 1] as number));
      let change = 0;
      let base = 0;
      now.forEach((x, k) => {
        const p = before[k];
        if (x !== null && p !== null && p !== undefined) {
          change += x - p;
          base += p;
        }
      });
      if (base > 0) level *= 1 + change / base;
    }
    nav.push([t, now.reduce<number>((s, x) => s + (x ?? 0), 0)]);
    index.push([t, level]);
  });
  return { nav, index };
}

describe('the blended fund', () => {
  it('sums each account at its last NAV at every instant any recorded, and chains the return of those present before and after', () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    // three accounts: one from the start, one joining on day 3 (new capital, not return), one sharing some
    // instants and recording some twice
    const a = account('a', Array.from({ length: 24 * 20 }, (_, i) => [i * H, 10_000 * (1 + 0.02 * Math.sin(i / 9)) + rnd() * 50]));
    const b = account('b', Array.from({ length: 24 * 15 }, (_, i) => [(72 + i) * H + 1_800_000, 25_000 + 400 * Math.cos(i / 7) + rnd() * 80]));
    const c = account('c', Array.from({ length: 300 }, (_, i) => [Math.floor(i / 2) * 2 * H, 5_000 + i + rnd() * 20]));
    const f = blend([{ node: 'n1', data: { accounts: [a, b] } }, { node: 'n2', data: { accounts: [c] } }], 5);
    const want = reference([a, b, c]);
    expect(f.nav).toEqual(want.nav);
    expect(f.index.map(([t]) => t)).toEqual(want.index.map(([t]) => t));
    for (let j = 0; j < want.index.length; j++) expect((f.index[j] as [number, number])[1]).toBeCloseTo((want.index[j] as [number, number])[1], 12);
    expect(f.navUsd).toBe(want.nav.at(-1)?.[1]);
    expect(f.grossExposureUsd).toBe(30);
    expect(f.netExposureUsd).toBe(-12);
    expect(f.rollingSharpe.length).toBeGreaterThan(5);
    expect(f.accounts.map((x) => x.node)).toEqual(['n1', 'n1', 'n2']);
  });

  it('takes a series out of time order by its sorted instants, each once', () => {
    const f = blend([{ node: 'n', data: { accounts: [account('a', [[3 * H, 100], [1 * H, 90], [2 * H, 95], [2 * H, 96]]), account('b', [[2 * H, 50]])] } }], 5);
    expect(f.nav.map(([t]) => t / H)).toEqual([1, 2, 3]);
    expect(blend([], 5).nav).toEqual([]);
  });
});

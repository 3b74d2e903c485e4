import { describe, expect, it } from 'vitest';
import { monteCarlo } from '../../src/backtest/monte-carlo.js';

describe('Monte Carlo of a run', () => {
  it('trade-order bootstrap: equal trades give one outcome, (1 + r)^k − 1, with no drawdown', () => {
    const r = monteCarlo([0.1, 0.1, 0.1], new Float64Array(0), { simulations: 200, seed: 1 });
    const want = 100 * (1.1 ** 3 - 1);
    expect(r.trades?.final_return_pct.p5).toBeCloseTo(want, 10);
    expect(r.trades?.final_return_pct.p95).toBeCloseTo(want, 10);
    expect(r.trades?.max_drawdown_pct.p95).toBe(0);
    expect(r.blocks).toBeNull();
  });

  it('block bootstrap with one block as long as the run: every path is a rotation, so every final return is the run\'s', () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647);
    const bars = Float64Array.from({ length: 500 }, () => (rnd() - 0.5) * 0.02);
    const total = 100 * (bars.reduce((a, x) => a * (1 + x), 1) - 1);
    const r = monteCarlo([], bars, { simulations: 300, seed: 7, blockBars: 500 });
    expect(r.blocks?.final_return_pct.p5).toBeCloseTo(total, 8);
    expect(r.blocks?.final_return_pct.p95).toBeCloseTo(total, 8);
    // drawdowns differ between rotations; short blocks spread the returns too
    expect((r.blocks?.max_drawdown_pct.p95 ?? 0) - (r.blocks?.max_drawdown_pct.p5 ?? 0)).toBeGreaterThan(0);
    const short = monteCarlo([], bars, { simulations: 300, seed: 7, blockBars: 10 });
    expect((short.blocks?.final_return_pct.p95 ?? 0) - (short.blocks?.final_return_pct.p5 ?? 0)).toBeGreaterThan(1);
    expect(r.trades).toBeNull();
  });

  it('is deterministic per seed and percentiles are ordered', () => {
    const trades = [0.05, -0.03, 0.02, -0.01, 0.04, -0.02];
    const bars = Float64Array.from({ length: 300 }, (_, i) => Math.sin(i) * 0.01);
    const a = monteCarlo(trades, bars, { simulations: 1000, seed: 42 });
    expect(monteCarlo(trades, bars, { simulations: 1000, seed: 42 })).toEqual(a);
    expect(monteCarlo(trades, bars, { simulations: 1000, seed: 43 })).not.toEqual(a);
    for (const d of [a.trades?.final_return_pct, a.trades?.max_drawdown_pct, a.blocks?.final_return_pct, a.blocks?.max_drawdown_pct]) {
      expect(d).toBeDefined();
      const v = d as NonNullable<typeof d>;
      expect(v.p5 <= v.p25 && v.p25 <= v.p50 && v.p50 <= v.p75 && v.p75 <= v.p95).toBe(true);
    }
  });
});

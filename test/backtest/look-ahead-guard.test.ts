import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { backtestConfig } from '../../src/backtest/backtest-config.js';
import { checkLookAhead } from '../../src/backtest/look-ahead.js';
import { loadConfig } from '../../src/config/load.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { aggregateSeries } from '../../src/market/aggregate.js';
import { loadBundledCandles } from '../../src/market/history.js';
import { defineStrategy, type Signal } from '../../src/strategies/define-strategy.js';
import { strategyPlugins } from '../../src/strategies/registry.js';
import { runCliAsync } from '../support/cli.js';

// a strategy that cheats: it reads the next close through the buffer behind its view
strategyPlugins.add(
  defineStrategy({
    name: 'peeker',
    apiVersion: 1,
    summary: 'looks one bar ahead through the buffer behind its view (a test double of a buggy plugin)',
    timeframes: ['1h'],
    params: z.strictObject({}),
    warmupBars: () => 2,
    create: () => ({
      onBar(ctx) {
        const out: Signal[] = [];
        for (const symbol of ctx.symbols) {
          const b = ctx.bars(symbol);
          if (b === undefined) continue;
          const behind = new Float64Array(b.close.buffer, b.close.byteOffset);
          const next = behind.length > b.length ? behind[b.length] : undefined;
          const last = b.close[b.length - 1] ?? 0;
          out.push({ symbol, direction: next === undefined ? 'flat' : next > last ? 'long' : 'short', strength: 1, reason: 'peeks' });
        }
        return out;
      },
    }),
  }),
);

const btc = loadBundledCandles('BTCUSDT').series;
const seriesOf = (symbol: string, tf: '1h' | '4h' | '1d') => (symbol !== 'BTCUSDT' ? undefined : tf === '1h' ? btc : aggregateSeries(btc, tf).series);

describe('the look-ahead guard (hedge backtest --look-ahead)', () => {
  const config = loadConfig({ configDir: defaultConfigDir }).config;
  it('catches a strategy that reads past the end of its view, naming the bars', () => {
    const bt = backtestConfig(config, { strategies: ['peeker'], symbols: ['BTCUSDT'] });
    const [f] = checkLookAhead(bt.config, bt.strategies, seriesOf, 50);
    expect(f?.barsChecked).toBe(50);
    expect(f?.mismatches.length).toBeGreaterThan(40);
    expect(f?.mismatches[0]?.truncated[0]?.direction).toBe('flat');
  });

  it('passes the built-in strategies, having seen signals', () => {
    const bt = backtestConfig(config, { strategies: ['sma-cross', 'vol-target-4h'], symbols: ['BTCUSDT'], params: ['fast=3', 'slow=6'] });
    for (const f of checkLookAhead(bt.config, bt.strategies, seriesOf, 300)) {
      expect(f.mismatches, f.strategy).toEqual([]);
      expect(f.signals, f.strategy).toBeGreaterThan(0);
    }
  });

  it('from the CLI: the registry passes (exit 0) with a line per strategy', async () => {
    const r = await runCliAsync(['backtest', '--look-ahead', '--samples', '40', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; strategies: { strategy: string; mismatches: unknown[] }[] };
    expect(out.ok).toBe(true);
    expect(out.strategies.map((s) => s.strategy)).toEqual(['momentum-1h', 'vol-target-4h', 'relative-value-1d']);
  });
});

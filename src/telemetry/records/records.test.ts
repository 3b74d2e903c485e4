import { describe, expect, it } from 'vitest';
import { HeartbeatSnapshot } from './heartbeat.js';
import { NavRecord } from './nav.js';
import { OrderEventRecord } from './order-event.js';
import { VetoRecord } from './veto.js';

const fp = 'f'.repeat(64);

describe('telemetry record schemas', () => {
  it('accept a venue order id above 2^53 only as text', () => {
    const base = {
      schema_version: 1, ts: 1, event: 'order.filled', cycle_id: 'c1', account: 'a', venue: 'binance-usdm', strategy: 's', symbol: 'ETHUSDT',
      client_order_id: 'hx-1', side: 'buy', type: 'market', time_in_force: null, reduce_only: false, qty: '0.010', price: null, stop_price: null,
      filled_qty: '0.010', avg_fill_price: '3012.45', last_fill_qty: '0.010', last_fill_price: '3012.45', fee_usd: 0.012, liquidity: 'taker',
      latency_ms: 41, reason: null, config_fingerprint: fp,
    };
    expect(OrderEventRecord.safeParse({ ...base, venue_order_id: '8389765791474530551' }).success).toBe(true);
    expect(OrderEventRecord.safeParse({ ...base, venue_order_id: Number('8389765791474530551') }).success).toBe(false);
    expect(OrderEventRecord.safeParse({ ...base, venue_order_id: null, qty: 0.01 }).success).toBe(false);
  });

  it('require known veto reason codes and a schema version', () => {
    const veto = {
      schema_version: 1, ts: 1, cycle_id: 'c', stage: 'risk', outcome: 'veto', reasons: ['trade_gt_nav_pct'], account: 'a', strategy: 's',
      symbol: 'BTCUSDT', side: 'buy', reduce_only: false, requested_notional_usd: 700, approved_notional_usd: 0,
      details: { limit_pct: 5, trade_pct: 7 }, config_fingerprint: fp,
    };
    expect(VetoRecord.safeParse(veto).success).toBe(true);
    expect(VetoRecord.safeParse({ ...veto, reasons: ['too_big'] }).success).toBe(false);
    expect(VetoRecord.safeParse({ ...veto, schema_version: 2 }).success).toBe(false);
    expect(VetoRecord.safeParse({ ...veto, extra: 1 }).success).toBe(false);
  });

  it('describe NAV and heartbeats', () => {
    expect(NavRecord.safeParse({
      schema_version: 1, ts: 1, account: 'a', cycle_id: 'c', nav_usd: 10_000, wallet_balance_usd: 10_000, unrealized_pnl_usd: 0, realized_pnl_usd: 0,
      fees_usd: 0, funding_usd: 0, gross_exposure_usd: 0, net_exposure_usd: 0, source: 'paper', config_fingerprint: fp,
    }).success).toBe(true);
    expect(HeartbeatSnapshot.safeParse({
      schema_version: 1, ts: 1, service: 'executor', pid: 1, host: 'h', status: 'running', cycle: 3, cycle_ms: 2.5, lag_ms: 0, last_error: null, config_fingerprint: null,
    }).success).toBe(true);
  });
});

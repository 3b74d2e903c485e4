import { TELEMETRY_SCHEMA_VERSION } from '../telemetry/records/common.js';
import type { VetoRecord } from '../telemetry/records/veto.js';
import type { OrderIntent, RiskDecision } from './risk-engine.js';

/** Who decided, when, under which config: what every veto record carries besides the decision. */
export interface VetoContext {
  readonly tsMs: number;
  readonly cycleId: string;
  readonly account: string;
  readonly configFingerprint: string;
}

/** The risk_vetoes.jsonl record of a denial (the risk engine's stage). */
export function vetoRecordOf(decision: Extract<RiskDecision, { type: 'denied' }>, intent: OrderIntent, ctx: VetoContext): VetoRecord {
  return {
    schema_version: TELEMETRY_SCHEMA_VERSION,
    ts: ctx.tsMs,
    cycle_id: ctx.cycleId,
    stage: 'risk',
    outcome: 'veto',
    reasons: decision.reasons,
    account: ctx.account,
    strategy: intent.strategy,
    symbol: intent.symbol,
    side: intent.side,
    reduce_only: intent.reduceOnly,
    requested_notional_usd: intent.qty * intent.price,
    approved_notional_usd: 0,
    details: decision.details,
    config_fingerprint: ctx.configFingerprint,
  };
}

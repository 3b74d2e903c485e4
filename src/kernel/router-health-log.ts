import { scanJsonl } from '../telemetry/jsonl-reader.js';
import { JsonlWriter } from '../telemetry/jsonl-writer.js';
import { RouterHealthChangeRecord, type RouterHealthSnapshot } from '../telemetry/records/router-health.js';
import { TELEMETRY_SCHEMA_VERSION } from '../telemetry/records/common.js';

/**
 * `router_health.jsonl`: at the end of each cycle, a line per symbol whose router health changed since the
 * last line written for it (state, samples, rates, latency, offset), so its history can be drawn without a
 * line per symbol per cycle. Opened after the streams were cut back to the last commit; what the stream
 * already holds is where "changed" starts from.
 */
export class RouterHealthLog {
  private readonly writer: JsonlWriter;
  private readonly last = new Map<string, string>();

  constructor(file: string) {
    scanJsonl(file, RouterHealthChangeRecord, (r) => this.last.set(r.symbol, figuresOf(r)));
    this.writer = new JsonlWriter(file, 'batch');
  }

  /** Appends the symbols of `snapshot` that changed; written with the cycle's commit (`flush`). */
  record(snapshot: RouterHealthSnapshot): void {
    for (const [symbol, h] of Object.entries(snapshot.symbols).sort(([a], [b]) => a.localeCompare(b))) {
      const r: RouterHealthChangeRecord = {
        schema_version: TELEMETRY_SCHEMA_VERSION, ts: snapshot.ts, account: snapshot.account, symbol, state: h.state, samples: h.samples,
        fill_rate: h.fill_rate, slippage_bps: h.slippage_bps, reject_rate: h.reject_rate, latency_ms: h.latency_ms, offset_bps: h.offset_bps,
      };
      const key = figuresOf(r);
      if (this.last.get(symbol) === key) continue;
      this.last.set(symbol, key);
      this.writer.append(r);
    }
  }

  flush(): void {
    this.writer.flush();
  }

  close(): void {
    this.writer.close();
  }
}

function figuresOf(r: RouterHealthChangeRecord): string {
  return JSON.stringify([r.state, r.samples, r.fill_rate, r.slippage_bps, r.reject_rate, r.latency_ms, r.offset_bps]);
}

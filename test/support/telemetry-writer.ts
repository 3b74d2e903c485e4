/**
 * A telemetry writer for the crash test: appends order events (fsync per record) and replaces a
 * positions snapshot, printing an acknowledgement after each write returns, until it is killed.
 * Usage: node dist/test/support/telemetry-writer.js <dir>
 */
import path from 'node:path';
import { writeJsonAtomic } from '../../src/telemetry/atomic-json.js';
import { readJsonl } from '../../src/telemetry/jsonl-reader.js';
import { JsonlWriter } from '../../src/telemetry/jsonl-writer.js';

const dir = process.argv[2] ?? '.';
const ordersFile = path.join(dir, 'orders.jsonl');
const positionsFile = path.join(dir, 'positions.json');
const FINGERPRINT = 'a'.repeat(64);

const writer = new JsonlWriter(ordersFile, 'every');
const existing = readJsonl(ordersFile).records as { client_order_id: string }[];
let seq = existing.length === 0 ? 0 : Number(existing.at(-1)?.client_order_id.slice(3));
process.stdout.write(`R ${writer.opened.truncatedBytes}\n`);

for (;;) {
  seq++;
  writer.append({
    schema_version: 1,
    ts: 1_700_000_000_000 + seq,
    event: 'order.submitted',
    cycle_id: `c${seq}`,
    account: 'paper-main',
    venue: 'paper',
    strategy: 'momentum-1h',
    symbol: 'BTCUSDT',
    client_order_id: `hx-${seq}`,
    venue_order_id: null,
    side: seq % 2 === 0 ? 'buy' : 'sell',
    type: 'limit',
    time_in_force: 'GTX',
    reduce_only: false,
    qty: '0.001',
    price: '65000.1',
    stop_price: null,
    filled_qty: '0',
    avg_fill_price: null,
    last_fill_qty: null,
    last_fill_price: null,
    fee_usd: 0,
    liquidity: null,
    latency_ms: null,
    reason: 'x'.repeat((seq * 7919) % 3000),
    config_fingerprint: FINGERPRINT,
  });
  process.stdout.write(`J ${seq}\n`);
  if (seq % 3 === 0) {
    writeJsonAtomic(positionsFile, { seq, positions: Array.from({ length: 50 }, (_, i) => ({ symbol: `S${i}`, qty: seq + i })) });
    process.stdout.write(`S ${seq}\n`);
  }
}

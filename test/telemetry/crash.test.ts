import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
import { readJsonSnapshot } from '../../src/telemetry/atomic-json.js';
import { readJsonl } from '../../src/telemetry/jsonl-reader.js';
import { OrderEventRecord } from '../../src/telemetry/records/order-event.js';
import { tempDir } from '../support/config-copy.js';
import { runAndKill } from '../support/kill-loop.js';

const WRITER = path.join(packageRoot, 'dist', 'test', 'support', 'telemetry-writer.js');
const KILLS = 200;

/** Runs the writer until a random kill; returns its acknowledgements. */
async function runAndKillWriter(dir: string, delayMs: number): Promise<{ acked: number[]; snapshots: number[]; truncatedAtOpen: number }> {
  const lines = await runAndKill(WRITER, [dir], delayMs);
  const nums = (tag: string) => lines.filter((l) => l.startsWith(`${tag} `)).map((l) => Number(l.slice(2)));
  return { acked: nums('J'), snapshots: nums('S'), truncatedAtOpen: nums('R')[0] ?? 0 };
}

describe('telemetry under SIGKILL', () => {
  it(`keeps every file readable and every acknowledged record, over ${KILLS} kills at random points`, async () => {
    const t = tempDir('hedge-crash-');
    const ordersFile = path.join(t.dir, 'orders.jsonl');
    const positionsFile = path.join(t.dir, 'positions.json');
    let seed = 20_241_121;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const acked = new Set<number>();
    let lastSnapshot = 0;
    let injected = 0;
    let repaired = 0;
    try {
      for (let i = 0; i < KILLS; i++) {
        const run = await runAndKillWriter(t.dir, Math.floor(random() * 25));
        if (run.truncatedAtOpen > 0) repaired++;
        run.acked.forEach((s) => acked.add(s));
        lastSnapshot = Math.max(lastSnapshot, ...run.snapshots);

        // every file is readable right after the kill
        const read = readJsonl(ordersFile, OrderEventRecord);
        expect(read.badLines).toEqual([]);
        const seqs = read.records.map((r) => Number(r.client_order_id.slice(3)));
        for (let k = 1; k < seqs.length; k++) expect(seqs[k]).toBe((seqs[k - 1] ?? 0) + 1); // no duplicate, no hole
        const present = new Set(seqs);
        for (const s of acked) expect(present.has(s), `acknowledged record ${s} lost`).toBe(true);
        const snap = readJsonSnapshot(positionsFile) as { seq: number; positions: unknown[] } | undefined;
        if (snap === undefined) expect(lastSnapshot).toBe(0);
        else {
          expect(snap.seq).toBeGreaterThanOrEqual(lastSnapshot);
          expect(snap.positions).toHaveLength(50);
        }

        // now and then, a torn record as a power cut would leave it (never acknowledged)
        if (i % 10 === 5) {
          appendFileSync(ordersFile, '{"schema_version":1,"ts":17000000,"event":"order.subm');
          injected++;
          const torn = readJsonl(ordersFile, OrderEventRecord);
          expect(torn.tornTail).not.toBeNull();
          expect(torn.badLines).toEqual([]);
        }
      }
      expect(acked.size).toBeGreaterThan(KILLS); // the writer really wrote between kills
      // every torn tail was cut off by the next writer; SIGKILL itself can tear a write that crosses a
      // page boundary (the kernel stops copying between pages on a fatal signal), so there may be more
      expect(repaired).toBeGreaterThanOrEqual(injected);
      console.log(`crash test: ${KILLS} kills, ${acked.size} acknowledged records kept, ${repaired} torn tails repaired (${injected} injected)`);
    } finally {
      t.cleanup();
    }
  }, 300_000);
});

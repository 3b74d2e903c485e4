import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
import { readJsonl } from '../../src/telemetry/jsonl-reader.js';
import { OrderEventRecord } from '../../src/telemetry/records/order-event.js';
import { runCliAsync } from '../support/cli.js';
import { tempDir } from '../support/config-copy.js';
import { runUntilKilled } from '../support/kill-loop.js';

const BIN = path.join(packageRoot, 'bin', 'run.js');
const RANGE = ['--from', '2024-01-01', '--to', '2024-01-15'];
const KILLS = 100;

describe('executor replay under SIGKILL', () => {
  it(`ends with the same orders, vetoes, NAV and positions as an uninterrupted run, after ${KILLS} kills`, async () => {
    const clean = tempDir();
    const crashed = tempDir();
    try {
      const ref = await runCliAsync(['executor', '--replay', ...RANGE, '--state-dir', clean.dir]);
      expect(ref.code, ref.stderr).toBe(0);
      let kills = 0;
      let finished = false;
      const failed: string[] = [];
      let seed = 7;
      const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
      while (!finished) {
        // kill at random points while there are kills left to make, then let it finish
        const delay = kills < KILLS ? Math.floor(random() * 600) : 600_000;
        const r = await runUntilKilled(BIN, ['executor', '--replay', ...RANGE, '--state-dir', crashed.dir], delay, 'stderr');
        if (r.code === 0) finished = true;
        else kills++;
        // a run that exits on its own with an error (not killed: code null) is what to read when this fails
        if (r.code !== 0 && r.code !== null) failed.push(`run ${kills} exited ${r.code}: ${r.stderr.slice(-1500)}`);
        expect(kills, failed.slice(-3).join('\n')).toBeLessThan(KILLS + 50);
      }
      expect(kills).toBeGreaterThanOrEqual(KILLS);
      expect(failed, 'every run either finished or was killed').toEqual([]);
      const read = (dir: string, f: string) => readFileSync(path.join(dir, 'logs', f), 'utf8');
      for (const f of ['orders.jsonl', 'risk_vetoes.jsonl', 'nav.jsonl', 'positions.json', 'router_health.jsonl']) expect(read(crashed.dir, f), f).toBe(read(clean.dir, f));
      // no order sent twice: every client id is submitted once
      const submitted = readJsonl(path.join(crashed.dir, 'logs', 'orders.jsonl'), OrderEventRecord).records.filter((o) => o.event === 'order.submitted').map((o) => o.client_order_id);
      expect(new Set(submitted).size).toBe(submitted.length);
      expect(submitted.length).toBeGreaterThan(0);
    } finally {
      clean.cleanup();
      crashed.cleanup();
    }
  }, 900_000);
});

/** Run by `npm run bench` in a process of its own: a 30-day replay of the universe, RSS sampled every 10 days. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config/load.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { runReplay } from '../../src/kernel/replay.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'hedge-bench-replay-'));
const from = Date.UTC(2024, 4, 1);
const rssMb: number[] = [];
const t0 = performance.now();
const s = await runReplay({
  loaded: loadConfig({ configDir: defaultConfigDir }), stateDir: dir, fromMs: from, toMs: Date.UTC(2024, 4, 31), env: 'dev',
  onCycle: (cycle) => {
    if (cycle % 240 === 0) rssMb.push(process.memoryUsage().rss / 2 ** 20);
  },
});
const wallS = (performance.now() - t0) / 1000;
(globalThis as { gc?: () => void }).gc?.();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(JSON.stringify({ median: s.decisionMs.median, p99: s.decisionMs.p99, cycles: s.cycles, wallS, refitS: s.regimeRefitMs / 1000, rssMb, heapMb: process.memoryUsage().heapUsed / 2 ** 20 }));

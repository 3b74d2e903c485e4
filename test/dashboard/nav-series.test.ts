/**
 * An account's NAV series kept between processes (what `hedge status --fleet` reads of every account for
 * the fund line): each call parses what was appended since the last, and gives what a fold of the whole
 * file gives.
 */
import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { navSeriesFile, navSeriesOf } from '../../src/dashboard/nav-series.js';
import { runReplay } from '../../src/kernel/replay.js';
import { readJsonl } from '../../src/telemetry/jsonl-reader.js';
import { NavRecord } from '../../src/telemetry/records/nav.js';
import { statePaths } from '../../src/telemetry/state-paths.js';
import { tempDir } from '../support/config-copy.js';

/** The series a fold of the whole nav.jsonl gives. */
function whole(dir: string): { nav: [number, number][]; lastNav: NavRecord | null } {
  const records = readJsonl(statePaths(dir).nav, NavRecord).records;
  return { nav: records.map((r) => [r.ts, r.nav_usd]), lastNav: records.at(-1) ?? null };
}

describe('the NAV series kept between processes', () => {
  it('parses only what was appended, gives the fold of the whole file, and folds again a rewritten stream or a kept fold it cannot use', async () => {
    const a = tempDir();
    await runReplay({ loaded: loadConfig({ configDir: defaultConfigDir }), stateDir: a.dir, fromMs: Date.UTC(2024, 2, 1), toMs: Date.UTC(2024, 2, 4), env: 'dev' });
    const b = tempDir();
    cpSync(a.dir, b.dir, { recursive: true });
    const cache = tempDir();
    const file = navSeriesFile(cache.dir, a.dir);
    const pa = statePaths(a.dir);
    const pb = statePaths(b.dir);
    expect(whole(a.dir).nav.length).toBeGreaterThan(60);
    expect(navSeriesOf(a.dir, file)).toEqual(whole(a.dir));
    expect(existsSync(file)).toBe(true);

    // what the first call read made unreadable in `a`, all but its last 64 bytes (what a fold checks is still
    // there); `b` keeps it: a call that read `a` again would not give `b`'s series
    const text = readFileSync(pa.nav);
    writeFileSync(pa.nav, Buffer.concat([Buffer.alloc(text.length - 64, 0x20), text.subarray(text.length - 64)]));
    const last = whole(b.dir).lastNav as NavRecord;
    const written = () => readFileSync(file, 'utf8');
    const kept = written();
    const cycle = (k: number) => {
      const line = `${JSON.stringify({ ...last, ts: last.ts + k * 60_000, nav_usd: last.nav_usd + k / 3 })}\n${k % 2 === 0 ? '{"torn":\n' : ''}`;
      appendFileSync(pa.nav, line);
      appendFileSync(pb.nav, line);
    };
    // a few cycles: each call parses them from where the kept fold stopped, which is not written again
    for (let k = 1; k <= 4; k++) {
      cycle(k);
      expect(navSeriesOf(a.dir, file, 6)).toEqual(whole(b.dir));
      expect(written()).toBe(kept);
    }
    // `keepEvery` of them: the kept fold is written again, and the next calls start from there
    for (let k = 5; k <= 6; k++) cycle(k);
    expect(navSeriesOf(a.dir, file, 6)).toEqual(whole(b.dir));
    expect(written()).not.toBe(kept);
    const rewritten = written();
    const text2 = readFileSync(pa.nav);
    writeFileSync(pa.nav, Buffer.concat([Buffer.alloc(text2.length - 64, 0x20), text2.subarray(text2.length - 64)]));
    cycle(7);
    expect(navSeriesOf(a.dir, file, 6)).toEqual(whole(b.dir));
    expect(navSeriesOf(a.dir, file, 6)).toEqual(whole(b.dir));
    expect(written()).toBe(rewritten);

    // a stream rewritten (cut back, then grown past where the fold stopped with other records): folded again
    writeFileSync(pa.nav, readFileSync(pb.nav, 'utf8').split('\n').slice(0, 10).join('\n') + '\n' + `${JSON.stringify({ ...last, ts: last.ts + 600_000, nav_usd: 1 })}\n`.repeat(400));
    expect(navSeriesOf(a.dir, file)).toEqual(whole(a.dir));
    expect(whole(a.dir).lastNav?.nav_usd).toBe(1);
    // a kept fold that is not JSON, or of another account's stream: folded again from the start
    writeFileSync(file, '{"schema_version":1,');
    expect(navSeriesOf(a.dir, file)).toEqual(whole(a.dir));
    expect(navSeriesOf(b.dir, file)).toEqual(whole(b.dir));
    expect(navSeriesOf(a.dir, file)).toEqual(whole(a.dir));
    // an account without a NAV log yet
    rmSync(pa.nav);
    expect(navSeriesOf(a.dir, file)).toEqual({ nav: [], lastNav: null });
    for (const t of [a, b, cache]) t.cleanup();
  }, 60_000);

  it('gives the series when its fold cannot be kept (a state dir mounted read-only), and says why', async () => {
    const a = tempDir();
    await runReplay({ loaded: loadConfig({ configDir: defaultConfigDir }), stateDir: a.dir, fromMs: Date.UTC(2024, 2, 1), toMs: Date.UTC(2024, 2, 2), env: 'dev' });
    const cache = tempDir();
    // a file where the kept folds' folder would be: it cannot be made (root writes through a read-only mode, not through this)
    writeFileSync(path.join(cache.dir, '.nav-series'), '');
    const file = navSeriesFile(cache.dir, a.dir);
    for (let k = 0; k < 2; k++) {
      const s = navSeriesOf(a.dir, file);
      expect({ nav: s.nav, lastNav: s.lastNav }).toEqual(whole(a.dir));
      expect(s.nav.length).toBeGreaterThan(20);
      expect(s.unkept).toMatch(/\.nav-series/);
    }
    for (const t of [a, cache]) t.cleanup();
  }, 60_000);
});

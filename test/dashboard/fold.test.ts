/**
 * The dashboard's fold of an account's streams, kept between exports (`dashboard-export --watch`): each
 * export reads what was appended since the last, and gives what a fold of the whole files gives.
 */
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { buildDashboardData, type AccountFold } from '../../src/dashboard/model.js';
import { runReplay } from '../../src/kernel/replay.js';
import { statePaths } from '../../src/telemetry/state-paths.js';
import { tempDir } from '../support/config-copy.js';

type Rec = Record<string, unknown> & { ts: number };
const lastLine = (file: string) => JSON.parse(readFileSync(file, 'utf8').trimEnd().split('\n').at(-1) ?? '{}') as Rec;

/** The k-th cycle's new records after `last` (a NAV, an order event, a veto; every other time a line that is not JSON), appended to every dir. */
function appendCycle(last: { nav: Rec; order: Rec; veto: Rec }, dirs: readonly string[], k: number): void {
  const dt = (k + 1) * 60_000;
  for (const dir of dirs) {
    const p = statePaths(dir);
    appendFileSync(p.nav, `${JSON.stringify({ ...last.nav, ts: last.nav.ts + dt, nav_usd: 10_000 + k })}\n`);
    appendFileSync(p.orders, `${JSON.stringify({ ...last.order, ts: last.order.ts + dt, event: k % 2 === 0 ? 'order.rejected' : 'order.filled' })}\n${k % 2 === 0 ? '{"torn":\n' : ''}`);
    appendFileSync(p.vetoes, `${JSON.stringify({ ...last.veto, ts: last.veto.ts + dt })}\n`);
  }
}

describe('dashboard fold across exports', () => {
  it('reads only what was appended, gives what a fold of the whole files gives, and folds a rewritten stream again', async () => {
    const a = tempDir();
    await runReplay({ loaded: loadConfig({ configDir: defaultConfigDir }), stateDir: a.dir, fromMs: Date.UTC(2024, 2, 1), toMs: Date.UTC(2024, 2, 4), env: 'dev' });
    const b = tempDir();
    cpSync(a.dir, b.dir, { recursive: true });
    const now = Date.UTC(2024, 2, 4);
    const whole = (dir: string) => {
      const d = buildDashboardData(dir, now);
      return { accounts: d.accounts, fund: d.fund };
    };
    const folds = new Map<string, AccountFold>();
    const followed = () => {
      const d = buildDashboardData(a.dir, now, folds);
      return { accounts: d.accounts, fund: d.fund };
    };
    expect(followed()).toEqual(whole(a.dir));

    // what the first export read made unreadable in `a`, all but its last 64 bytes (what a fold checks is
    // still there); `b` keeps it: a fold that read `a` again would not give `b`'s figures
    for (const file of [statePaths(a.dir).nav, statePaths(a.dir).orders, statePaths(a.dir).vetoes]) {
      const text = readFileSync(file);
      writeFileSync(file, Buffer.concat([Buffer.alloc(text.length - 64, 0x20), text.subarray(text.length - 64)]));
    }
    const pb = statePaths(b.dir);
    const last = { nav: lastLine(pb.nav), order: lastLine(pb.orders), veto: lastLine(pb.vetoes) };
    for (let k = 0; k < 5; k++) {
      appendCycle(last, [a.dir, b.dir], k);
      expect(followed()).toEqual(whole(b.dir));
    }
    expect(followed().accounts[0]?.badLines).toBe(whole(b.dir).accounts[0]?.badLines);
    expect(whole(b.dir).accounts[0]?.badLines).toBe(3);

    // a stream rewritten (a replay's restart cuts it back) is folded again from its start
    const navB = readFileSync(statePaths(b.dir).nav, 'utf8').split('\n').slice(0, 20).join('\n') + '\n';
    writeFileSync(statePaths(a.dir).nav, navB);
    writeFileSync(statePaths(b.dir).nav, navB);
    const cut = followed();
    expect(cut).toEqual(whole(b.dir));
    expect(cut.accounts[0]?.nav).toHaveLength(20);
    a.cleanup();
    b.cleanup();
  }, 120_000);
});

import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { packageRoot } from '../../src/core/paths.js';
import { DirSink } from '../../src/sync/dir-sink.js';
import { SyncEngine } from '../../src/sync/sync-engine.js';
import { HeartbeatSnapshot } from '../../src/telemetry/records/heartbeat.js';
import { runCliAsync, startCli } from '../support/cli.js';
import { configCopy, tempDir } from '../support/config-copy.js';

const line = (i: number) => `${JSON.stringify({ schema_version: 1, ts: 1_700_000_000_000 + i, event: 'order.submitted', seq: i, pad: 'x'.repeat(40 + (i % 50)) })}\n`;

function engine(stateDir: string, mirror: string, chunkBytes?: number) {
  return new SyncEngine({ stateDir, sink: new DirSink(mirror), stateFile: path.join(stateDir, 'cache', 'sync_state_node-1.json'), clock: new ManualClock(1_700_000_000_000), ...(chunkBytes === undefined ? {} : { chunkBytes }) });
}

describe('sync engine, dir sink', () => {
  it('mirrors streams by their new whole lines and snapshots when they change, resuming from its recorded progress', async () => {
    const t = tempDir();
    const logs = path.join(t.dir, 'state', 'logs');
    mkdirSync(logs, { recursive: true });
    const mirror = path.join(t.dir, 'mirror');
    const orders = path.join(logs, 'orders.jsonl');
    writeFileSync(orders, line(1) + line(2));
    writeFileSync(path.join(logs, 'positions.json'), '{"a":1}\n');
    writeFileSync(path.join(logs, 'hedge.log'), 'pino lines are not telemetry\n');
    const e = engine(path.join(t.dir, 'state'), mirror);
    expect(await e.pass()).toMatchObject({ files: 2, streamBytes: (line(1) + line(2)).length, snapshots: 1 });
    expect(readFileSync(path.join(mirror, 'logs', 'orders.jsonl'), 'utf8')).toBe(line(1) + line(2));
    expect(existsSync(path.join(mirror, 'logs', 'hedge.log'))).toBe(false);
    // nothing new: nothing sent
    expect(await e.pass()).toMatchObject({ streamBytes: 0, snapshots: 0 });
    // a line still being written waits; the snapshot goes when it changes
    appendFileSync(orders, line(3) + line(4).slice(0, 20));
    writeFileSync(path.join(logs, 'positions.json'), '{"a":2}\n');
    expect(await e.pass()).toMatchObject({ streamBytes: line(3).length, snapshots: 1 });
    expect(readFileSync(path.join(mirror, 'logs', 'orders.jsonl'), 'utf8')).toBe(line(1) + line(2) + line(3));
    // a new engine (a restart) resumes from the recorded progress
    appendFileSync(orders, line(4).slice(20));
    expect(await engine(path.join(t.dir, 'state'), mirror).pass()).toMatchObject({ streamBytes: line(4).length, snapshots: 0 });
    expect(readFileSync(path.join(mirror, 'logs', 'orders.jsonl'), 'utf8')).toBe(readFileSync(orders, 'utf8'));
    expect(readFileSync(path.join(mirror, 'logs', 'positions.json'), 'utf8')).toBe('{"a":2}\n');
    t.cleanup();
  });

  it('mirrors a stream cut back locally (a dry-run rolled back to its commit) again, to the same bytes', async () => {
    const t = tempDir();
    const logs = path.join(t.dir, 'state', 'logs');
    mkdirSync(logs, { recursive: true });
    const mirror = path.join(t.dir, 'mirror');
    const nav = path.join(logs, 'nav.jsonl');
    writeFileSync(nav, line(1) + line(2) + line(3));
    const e = engine(path.join(t.dir, 'state'), mirror);
    await e.pass();
    truncateSync(nav, line(1).length);
    appendFileSync(nav, line(7) + line(8) + line(9));
    const r = await e.pass();
    expect(r.rewritten).toEqual([path.join('logs', 'nav.jsonl')]);
    expect(readFileSync(path.join(mirror, 'logs', 'nav.jsonl'), 'utf8')).toBe(readFileSync(nav, 'utf8'));
    t.cleanup();
  });

  it('rebuilds a copy the sink lost behind its back (a replaced volume), from what it still holds', async () => {
    const t = tempDir();
    const logs = path.join(t.dir, 'state', 'logs');
    mkdirSync(logs, { recursive: true });
    const mirror = path.join(t.dir, 'mirror');
    writeFileSync(path.join(logs, 'orders.jsonl'), line(1) + line(2));
    writeFileSync(path.join(logs, 'positions.json'), '{"a":1}\n');
    await engine(path.join(t.dir, 'state'), mirror).pass();
    rmSync(mirror, { recursive: true });
    await engine(path.join(t.dir, 'state'), mirror).pass();
    expect(readFileSync(path.join(mirror, 'logs', 'orders.jsonl'), 'utf8')).toBe(line(1) + line(2));
    expect(readFileSync(path.join(mirror, 'logs', 'positions.json'), 'utf8')).toBe('{"a":1}\n');
    t.cleanup();
  });

  it('takes every account folder along', async () => {
    const t = tempDir();
    const b = path.join(t.dir, 'state', 'accounts', 'paper-b', 'logs');
    mkdirSync(b, { recursive: true });
    writeFileSync(path.join(b, 'orders.jsonl'), line(1));
    const mirror = path.join(t.dir, 'mirror');
    await engine(path.join(t.dir, 'state'), mirror).pass();
    expect(readFileSync(path.join(mirror, 'accounts', 'paper-b', 'logs', 'orders.jsonl'), 'utf8')).toBe(line(1));
    t.cleanup();
  });
});

describe('hedge sync under SIGKILL', () => {
  it('killed at random points 100+ times during a long mirror, the copy is always a prefix of the local files and ends byte-identical', async () => {
    const t = tempDir();
    const state = path.join(t.dir, 'state');
    const logs = path.join(state, 'logs');
    mkdirSync(logs, { recursive: true });
    const mirror = path.join(t.dir, 'mirror');
    const streams = ['orders.jsonl', 'risk_vetoes.jsonl', 'nav.jsonl'];
    // about 30 MB to mirror at first, and about 1 MB more before every run
    let seq = 0;
    const grow = (lines: number) => {
      for (const s of streams) {
        let chunk = '';
        for (let i = 0; i < lines; i++) chunk += line(seq++);
        appendFileSync(path.join(logs, s), chunk);
      }
      writeFileSync(path.join(logs, 'positions.json'), `${JSON.stringify({ seq, pad: 'p'.repeat(5_000) })}\n`);
    };
    for (let k = 0; k < 3; k++) grow(30_000);
    const remote = (name: string) => path.join(mirror, 'node-1', 'logs', name);
    // the copy must be a prefix of the local stream after every run: checked over what changed since the
    // last check (from 64 KB before the last verified length), and whole at the end
    const verified = new Map<string, number>();
    const slice = (file: string, from: number, to: number) => {
      const fd = openSync(file, 'r');
      const buf = Buffer.alloc(to - from);
      readSync(fd, buf, 0, buf.length, from);
      closeSync(fd);
      return buf;
    };
    const checkPrefix = () => {
      for (const s of streams) {
        if (!existsSync(remote(s))) continue;
        const rLen = statSync(remote(s)).size;
        expect(rLen).toBeLessThanOrEqual(statSync(path.join(logs, s)).size);
        const from = Math.max(0, Math.min(verified.get(s) ?? 0, rLen) - 65_536);
        expect(slice(remote(s), from, rLen).equals(slice(path.join(logs, s), from, rLen)), `${s} is not a prefix of the local stream`).toBe(true);
        verified.set(s, rLen);
      }
      if (existsSync(remote('positions.json'))) JSON.parse(readFileSync(remote('positions.json'), 'utf8'));
    };
    const bin = path.join(packageRoot, 'bin', 'run.js');
    const args = [bin, 'sync', '--once', '--state-dir', state, '--sink', `dir:${mirror}`];
    let kills = 0;
    // every 20th run is left alone and timed (from its first write to its exit); the others are killed at a
    // uniformly random point of that span, so the kills land while a pass writes, on any machine
    let passMs = 100;
    for (let run = 0; kills < 100; run++) {
      expect(run, `${kills} kills`).toBeLessThan(300);
      const before = streams.map((x) => (existsSync(remote(x)) ? statSync(remote(x)).size : -1)).join();
      const child = spawn(process.execPath, args, { stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production', NODE_OPTIONS: '' } });
      let closed = false;
      const done = new Promise<number | null>((resolve) => child.on('close', (c) => ((closed = true), resolve(c))));
      while (!closed && streams.map((x) => (existsSync(remote(x)) ? statSync(remote(x)).size : -1)).join() === before) await sleep(1);
      const t0 = Date.now();
      if (run % 20 === 0) {
        expect(await done).toBe(0);
        passMs = Math.max(5, Date.now() - t0);
      } else {
        if (!closed) {
          await sleep(Math.floor(Math.random() * passMs));
          child.kill('SIGKILL');
        }
        if ((await done) !== 0) kills++;
      }
      checkPrefix();
      grow(3_000);
    }
    const last = await runCliAsync(['sync', '--once', '--state-dir', state, '--sink', `dir:${mirror}`]);
    expect(last.code, last.stderr).toBe(0);
    for (const s of [...streams, 'positions.json']) expect(readFileSync(remote(s)).equals(readFileSync(path.join(logs, s))), s).toBe(true);
    expect(kills).toBeGreaterThanOrEqual(100);
    t.cleanup();
  }, 600_000);
});

describe('hedge sync daemon', () => {
  it('carries a new line to the sink within 2 s, writes its heartbeat, and stops cleanly on SIGINT', async () => {
    const t = tempDir();
    const state = path.join(t.dir, 'state');
    const logs = path.join(state, 'logs');
    mkdirSync(logs, { recursive: true });
    const cfg = configCopy([{ file: 'sync.json', patch: { interval_s: 0.2, sink: { type: 'dir', path: path.join(t.dir, 'mirror') } } }]);
    const run = startCli(['sync', '--config-dir', cfg.dir, '--state-dir', state]);
    const hb = path.join(logs, 'heartbeat_sync.json');
    for (let waited = 0; !existsSync(hb); waited += 50) {
      if (waited > 20_000) throw new Error('no sync heartbeat');
      await sleep(50);
    }
    const remote = path.join(t.dir, 'mirror', 'node-1', 'logs', 'orders.jsonl');
    const lags: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      appendFileSync(path.join(logs, 'orders.jsonl'), line(i));
      while (!(existsSync(remote) && readFileSync(remote, 'utf8').endsWith(line(i)))) await sleep(10);
      lags.push(Date.now() - t0);
    }
    expect(Math.max(...lags)).toBeLessThan(2_000);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    const beat = HeartbeatSnapshot.parse(JSON.parse(readFileSync(hb, 'utf8')));
    expect(beat).toMatchObject({ service: 'sync', status: 'stopped', last_error: null });
    expect(beat.cycle).toBeGreaterThan(5);
    cfg.cleanup();
    t.cleanup();
  }, 60_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { acquireInstanceLock, AlreadyRunningError, procIdentity } from '../../src/core/instance-lock.js';
import { readJsonl } from '../../src/telemetry/jsonl-reader.js';
import { OrderEventRecord } from '../../src/telemetry/records/order-event.js';
import { runCliAsync } from '../support/cli.js';
import { tempDir } from '../support/config-copy.js';

/** A real, live process that is not us: a sleeping node. */
async function liveNode(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((r) => child.once('spawn', r));
  return child as ChildProcess & { pid: number };
}

const holder = (pid: number, host = os.hostname(), more: object = {}) => `${JSON.stringify({ pid, host, service: 'executor', account: 'paper-main', started: '2026-11-21T00:00:00.000Z', ...more })}\n`;

describe('single-instance lock of the executor', () => {
  it('refuses while a live process holds the lock, naming it, and takes the lock over once that process is dead', async () => {
    const t = tempDir();
    const file = path.join(t.dir, 'cache', 'executor_paper-main.lock');
    const other = await liveNode();
    acquireInstanceLock(file, 'executor', 'paper-main').release();
    writeFileSync(file, holder(other.pid));
    expect(() => acquireInstanceLock(file, 'executor', 'paper-main')).toThrow(AlreadyRunningError);
    expect(() => acquireInstanceLock(file, 'executor', 'paper-main')).toThrow(new RegExp(`pid ${other.pid} on ${os.hostname()}`));
    expect(readFileSync(file, 'utf8')).toBe(holder(other.pid)); // the holder's lock is untouched
    other.kill('SIGKILL');
    await new Promise((r) => other.once('exit', r));
    const lock = acquireInstanceLock(file, 'executor', 'paper-main');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, service: 'executor', account: 'paper-main' });
    lock.release();
    expect(existsSync(file)).toBe(false);
    t.cleanup();
  });

  // PIDs wrap (pid_max 32768 here, and every thread takes one): in CI, a killed executor's pid came
  // back as a thread of a long-lived node process, which kill(pid, 0) and /proc/<pid>/cmdline both
  // accept, and every restart after it refused to start
  it.runIf(process.platform === 'linux')('takes over a lock whose pid was reused: now a thread of a live node process, a process started at another tick, or one from before a reboot', async () => {
    const t = tempDir();
    const file = path.join(t.dir, 'executor_paper-main.lock');
    const other = await liveNode();
    try {
      let thread: number | undefined;
      for (let waited = 0; thread === undefined && waited < 10_000; waited += 20) {
        thread = readdirSync(`/proc/${other.pid}/task`).map(Number).find((tid) => tid !== other.pid); // node starts its threads just after spawn
        if (thread === undefined) await sleep(20);
      }
      expect(thread).toBeDefined();
      writeFileSync(file, holder(thread!)); // an old-format lock (no identity) naming a node thread
      acquireInstanceLock(file, 'executor', 'paper-main').release();
      const id = procIdentity(other.pid)!;
      expect(id.tgid).toBe(other.pid);
      // the lock we write records our identity
      const mine = acquireInstanceLock(file, 'executor', 'paper-main');
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ boot_id: id.bootId, start_ticks: procIdentity(process.pid)!.startTicks });
      mine.release();
      writeFileSync(file, holder(other.pid, os.hostname(), { boot_id: id.bootId, start_ticks: id.startTicks }));
      expect(() => acquireInstanceLock(file, 'executor', 'paper-main')).toThrow(AlreadyRunningError); // the very process: held
      writeFileSync(file, holder(other.pid, os.hostname(), { boot_id: id.bootId, start_ticks: id.startTicks - 1 }));
      acquireInstanceLock(file, 'executor', 'paper-main').release(); // same pid, another process
      writeFileSync(file, holder(other.pid, os.hostname(), { boot_id: 'another-boot', start_ticks: id.startTicks }));
      acquireInstanceLock(file, 'executor', 'paper-main').release(); // written before a reboot
    } finally {
      other.kill('SIGKILL');
      t.cleanup();
    }
  });

  it('takes over a torn lock file (its writer died mid-write) and refuses a lock held from another host', () => {
    const t = tempDir();
    const file = path.join(t.dir, 'executor_a.lock');
    writeFileSync(file, '{"pid":12');
    acquireInstanceLock(file, 'executor', 'a').release();
    writeFileSync(file, holder(1, 'some-other-host'));
    expect(() => acquireInstanceLock(file, 'executor', 'a')).toThrow(/on some-other-host/);
    t.cleanup();
  });

  it('release removes the lock only while it is still ours', () => {
    const t = tempDir();
    const file = path.join(t.dir, 'executor_a.lock');
    const lock = acquireInstanceLock(file, 'executor', 'a');
    writeFileSync(file, holder(1, 'some-other-host')); // an operator handed the account to another host
    lock.release();
    expect(readFileSync(file, 'utf8')).toBe(holder(1, 'some-other-host'));
    t.cleanup();
  });

  it('a second `hedge executor` on the same account and state dir exits 1 before any order; the first finishes unharmed', async () => {
    const t = tempDir();
    const lockFile = path.join(t.dir, 'cache', 'executor_paper-main.lock');
    const first = runCliAsync(['executor', '--replay', '--from', '2024-01-01', '--to', '2024-03-01', '--state-dir', t.dir, '--json']);
    for (let waited = 0; !existsSync(lockFile); waited += 20) {
      if (waited > 60_000) throw new Error(`the first executor never took its lock ${lockFile}`);
      await sleep(20);
    }
    const second = await runCliAsync(['executor', '--replay', '--from', '2024-01-01', '--to', '2024-03-01', '--state-dir', t.dir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/another executor already runs account "paper-main" on this state dir: pid \d+/);
    const r = await first;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ resumed: false, cycles: 60 * 24 + 1 });
    // only the first run wrote orders: every client id was submitted once
    const submitted = readJsonl(path.join(t.dir, 'logs', 'orders.jsonl'), OrderEventRecord).records.filter((o) => o.event === 'order.submitted');
    expect(submitted.length).toBeGreaterThan(0);
    expect(new Set(submitted.map((o) => o.client_order_id)).size).toBe(submitted.length);
    expect(existsSync(lockFile)).toBe(false);
    t.cleanup();
  }, 180_000);
});

/**
 * The `s3` sink against a real S3-compatible server started on loopback by the test (s3rver), reached
 * through a small proxy that can slow requests, answer 503, or go away: the sink retries, never leaves the
 * remote copy inconsistent (the manifest only ever names whole, hash-checked chunks), and catches up.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { s3SinkPlugin } from '../../src/sync/s3-sink.js';
import { readS3Stream } from '../../src/sync/s3-sink.js';
import { SyncEngine } from '../../src/sync/sync-engine.js';
import { runCliAsync } from '../support/cli.js';
import { configCopy, tempDir } from '../support/config-copy.js';

const creds = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
Object.assign(process.env, creds);

/** A proxy in front of s3rver: `delayMs` slows every request, `fail503` answers the next N with 503, `down` refuses service. */
class FaultyProxy {
  delayMs = 0;
  fail503 = 0;
  down = false;
  requests = 0;
  private server: Server | undefined;
  constructor(private readonly target: number) {}
  async start(): Promise<number> {
    this.server = createServer((req, res) => {
      void (async () => {
        this.requests++;
        if (this.down) return req.socket.destroy();
        if (this.delayMs > 0) await sleep(this.delayMs);
        if (this.fail503 > 0) {
          this.fail503--;
          res.writeHead(503, { 'Content-Type': 'application/xml' }).end('<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
          return;
        }
        const up = request({ host: '127.0.0.1', port: this.target, method: req.method, path: req.url, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => res.destroy());
        req.pipe(up);
      })();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return (this.server?.address() as AddressInfo).port;
  }
  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

const line = (i: number) => `${JSON.stringify({ schema_version: 1, ts: 1_700_000_000_000 + i, seq: i, pad: 'y'.repeat(60) })}\n`;

let s3: S3rver;
let s3Dir: string;
let proxy: FaultyProxy;
let endpoint: string;
let client: S3Client;

beforeAll(async () => {
  s3Dir = mkdtempSync(path.join(os.tmpdir(), 'hedge-s3rver-'));
  s3 = new S3rver({ port: 0, address: '127.0.0.1', directory: s3Dir, silent: true, configureBuckets: [{ name: 'fund' }] });
  const { port } = (await s3.run()) as unknown as AddressInfo;
  proxy = new FaultyProxy(port);
  endpoint = `http://127.0.0.1:${await proxy.start()}`;
  client = new S3Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
});

afterAll(async () => {
  client?.destroy();
  await proxy?.close();
  await s3?.close();
  rmSync(s3Dir, { recursive: true, force: true });
});

const sinkConfig = (prefix: string) => ({ type: 's3' as const, bucket: 'fund', prefix, region: 'us-east-1', endpoint, force_path_style: true });

describe('s3 sink against a loopback S3 server', () => {
  it('hedge sync --once mirrors streams as manifest + chunks and snapshots as objects; a reader reassembles them', async () => {
    const t = tempDir();
    const logs = path.join(t.dir, 'logs');
    mkdirSync(logs, { recursive: true });
    writeFileSync(path.join(logs, 'orders.jsonl'), line(1) + line(2));
    writeFileSync(path.join(logs, 'positions.json'), '{"p":1}\n');
    const cfg = configCopy([{ file: 'sync.json', patch: { sink: { ...sinkConfig('fund-a'), path: null } } }]);
    const first = await runCliAsync(['sync', '--once', '--config-dir', cfg.dir, '--state-dir', t.dir], creds);
    expect(first.code, first.stderr).toBe(0);
    appendFileSync(path.join(logs, 'orders.jsonl'), line(3));
    const second = await runCliAsync(['sync', '--once', '--config-dir', cfg.dir, '--state-dir', t.dir], creds);
    expect(second.code, second.stderr).toBe(0);
    expect((await readS3Stream(client, 'fund', 'fund-a/node-1/logs/orders.jsonl')).toString()).toBe(line(1) + line(2) + line(3));
    const snap = await client.send(new GetObjectCommand({ Bucket: 'fund', Key: 'fund-a/node-1/logs/positions.json' }));
    expect(await snap.Body?.transformToString()).toBe('{"p":1}\n');
    cfg.cleanup();
    t.cleanup();
  }, 60_000);

  it('through slow responses, 503s and a server that goes away mid-upload, the copy stays consistent and catches up', async () => {
    const t = tempDir();
    const logs = path.join(t.dir, 'logs');
    mkdirSync(logs, { recursive: true });
    const orders = path.join(logs, 'orders.jsonl');
    let seq = 0;
    const grow = (n: number) => {
      let text = '';
      for (let i = 0; i < n; i++) text += line(seq++);
      appendFileSync(orders, text);
    };
    const sink = await s3SinkPlugin.create(sinkConfig('fund-b'), { stateDir: t.dir, nodeId: 'node-1' });
    const engine = new SyncEngine({ stateDir: t.dir, sink, stateFile: path.join(t.dir, 'cache', 'sync_state.json'), clock: new ManualClock(0), chunkBytes: 64 * 1024 });
    const remote = () => readS3Stream(client, 'fund', 'fund-b/node-1/logs/orders.jsonl');
    const consistent = async () => {
      const r = await remote();
      expect(r.equals(readFileSync(orders).subarray(0, r.length)), 'the remote copy is not a prefix of the local stream').toBe(true);
      return r.length;
    };
    grow(5_000);
    // slow: every request waits 50 ms; still completes
    proxy.delayMs = 50;
    await engine.pass();
    proxy.delayMs = 0;
    expect(await consistent()).toBe(readFileSync(orders).length);
    // 503 SlowDown: the SDK retries with backoff
    grow(3_000);
    proxy.fail503 = 2;
    await engine.pass();
    expect(proxy.fail503).toBe(0);
    expect(await consistent()).toBe(readFileSync(orders).length);
    // the server goes away in the middle of a multi-chunk upload
    grow(20_000);
    const pass = engine.pass();
    while (proxy.requests < 20) await sleep(1);
    proxy.down = true;
    await expect(pass).rejects.toThrow();
    proxy.down = false;
    const partial = await consistent();
    expect(partial).toBeLessThan(readFileSync(orders).length);
    // it comes back: the next pass catches up
    await engine.pass();
    expect((await remote()).equals(readFileSync(orders))).toBe(true);
    await sink.close();
    t.cleanup();
  }, 120_000);
});

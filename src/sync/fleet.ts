import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, truncateSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { StorageError, UsageError } from '../core/errors.js';
import type { SyncConfig } from '../config/schemas/sync.js';
import { blend, type BlendedFund } from '../dashboard/fund.js';
import { buildDashboardData, statusInputsOf, type AccountFold, type DashboardData } from '../dashboard/model.js';
import { navSeriesFile, navSeriesOf } from '../dashboard/nav-series.js';
import { readJsonSnapshot, writeJsonAtomic, writeTextAtomic } from '../telemetry/atomic-json.js';
import { accountRoots } from '../telemetry/state-paths.js';
import { s3ClientFor, type StreamManifest } from './s3-sink.js';
import { statusOf, type AccountStatus, type StatusThresholds } from './status.js';

/** One executor node as it reached the sink: where its telemetry is read from, and what it holds. */
export interface FleetNode {
  readonly node: string;
  /** A local directory laid out as the node's state dir: the `dir` mirror itself, or what was fetched from S3. */
  readonly dir: string;
  readonly data: DashboardData;
}

export interface FleetView {
  readonly source: string;
  readonly nodes: readonly FleetNode[];
  readonly blended: BlendedFund;
}

/** What a fleet is read from: a `dir` sink's folder or an `s3` sink's bucket and prefix (the nodes are the folders under it). */
export type FleetSource = SyncConfig['sink'];

export interface FleetOptions {
  /** Where a node's telemetry fetched from S3 is kept between reads (`<cache>/<node>/…`), so a read fetches only what is new. */
  readonly cacheDir: string;
  readonly nowMs: number;
  /** Base for a relative `dir` path. */
  readonly baseDir: string;
  readonly sharpeDays?: number;
  /** An S3 client to use (tests); else one is made from the source as the sync sink makes it. */
  readonly s3Client?: S3Client;
  /** The nodes' accounts as folded by the last read, kept by a caller that reads again (a watching dashboard): a read then folds only what is new. */
  readonly folds?: Map<string, AccountFold>;
}

/**
 * Several executors (one per account or machine) sync to one sink under their own node prefixes; this
 * assembles them: each node's telemetry read as a state dir (the dashboard model of its accounts), and the
 * blended fund — NAV summed, a return index chained across accounts, exposure, drawdown, rolling Sharpe.
 */
export async function readFleet(source: FleetSource, o: FleetOptions): Promise<FleetView> {
  const { where, dirs } = await fleetNodes(source, o);
  const nodes = dirs.map(({ node, dir }) => ({ node, dir, data: buildDashboardData(dir, o.nowMs, o.folds) }));
  return { source: where, nodes, blended: blend(nodes, o.sharpeDays ?? 30) };
}

/** What `hedge status --fleet` shows: each node's accounts' health, and the blended fund. */
export interface FleetStatus {
  readonly source: string;
  readonly nodes: readonly { readonly node: string; readonly accounts: readonly AccountStatus[] }[];
  readonly blended: BlendedFund;
  /** What the check could not do that the next one will pay for (the NAV folds it could not keep), for the operator. */
  readonly warnings: readonly string[];
}

/**
 * The fleet's health for `hedge status --fleet`: each node's accounts judged as `hedge status` judges a state
 * dir (the streams read from their end), and the blended fund from each account's NAV series, whose fold is
 * kept under `<cacheDir>/.nav-series/` between checks (a check parses only the NAV lines appended since the
 * last). The fund is the dashboard's (`readFleet`) but for the strategies' correlation, which it leaves out.
 */
export async function readFleetStatus(source: FleetSource, o: FleetOptions, t: StatusThresholds): Promise<FleetStatus> {
  const { where, dirs } = await fleetNodes(source, o);
  const unkept: string[] = [];
  const nodes = dirs.map(({ node, dir }) => {
    const accounts = accountRoots(dir).flatMap((root) => {
      const inputs = statusInputsOf(root);
      if (inputs === undefined) return [];
      const series = navSeriesOf(root, navSeriesFile(o.cacheDir, root));
      if (series.unkept !== undefined) unkept.push(series.unkept);
      return [{ status: statusOf(inputs, o.nowMs, t), nav: { account: inputs.account, nav: series.nav, lastNav: series.lastNav } }];
    });
    return { node, accounts };
  });
  const blended = blend(nodes.map((n) => ({ node: n.node, data: { accounts: n.accounts.map((a) => a.nav) } })), o.sharpeDays ?? 30);
  // one line for all the accounts: the same folder fails each alike
  const warnings = unkept.length === 0 ? [] : [`the NAV folds of ${unkept.length} account(s) cannot be kept under ${path.join(o.cacheDir, '.nav-series')} (${unkept[0]}): each check parses every NAV record again`];
  return { source: where, nodes: nodes.map((n) => ({ node: n.node, accounts: n.accounts.map((a) => a.status) })), blended, warnings };
}

/** The nodes of a fleet, each as a local directory laid out as its state dir (an S3 node fetched into the cache first). */
async function fleetNodes(source: FleetSource, o: FleetOptions): Promise<{ where: string; dirs: { node: string; dir: string }[] }> {
  const dirs = source.type === 'dir' ? dirNodes(path.resolve(o.baseDir, source.path)) : await s3Nodes(source, o);
  return { where: source.type === 'dir' ? `dir:${path.resolve(o.baseDir, source.path)}` : `s3://${source.bucket}/${source.prefix}`, dirs };
}

function dirNodes(root: string): { node: string; dir: string }[] {
  if (!existsSync(root)) throw new UsageError(`${root}: no such mirror folder`);
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(root, d.name, 'logs')))
    .map((d) => ({ node: d.name, dir: path.join(root, d.name) }))
    .sort((a, b) => a.node.localeCompare(b.node));
}

/** Fetch state per node: what of each stream is already local, and the ETag of each snapshot. */
interface FetchState {
  readonly schema_version: 1;
  readonly streams: Record<string, { length: number; chunks: number }>;
  readonly snapshots: Record<string, string>;
}

/**
 * The nodes under an S3 prefix, each fetched into `<cacheDir>/<node>/`: a stream by the chunks its
 * manifest names beyond what is already local (each checked against its hash; a stream the sink holds less
 * of than we do was rewritten, and is fetched again from the start), a snapshot when its ETag changed.
 */
async function s3Nodes(source: Extract<FleetSource, { type: 's3' }>, o: FleetOptions): Promise<{ node: string; dir: string }[]> {
  const sdk = await import('@aws-sdk/client-s3');
  const client = o.s3Client ?? s3ClientFor(sdk, source);
  const prefix = source.prefix.replace(/^\/+|\/+$/g, '');
  const base = prefix === '' ? '' : `${prefix}/`;
  const keys: { key: string; etag: string }[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await client.send(new sdk.ListObjectsV2Command({ Bucket: source.bucket, Prefix: base, ...(token === undefined ? {} : { ContinuationToken: token }) }));
      for (const c of page.Contents ?? []) if (c.Key !== undefined) keys.push({ key: c.Key, etag: c.ETag ?? '' });
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  } catch (err) {
    throw new StorageError(`s3://${source.bucket}/${base}`, `cannot list the fleet: ${(err as Error).message}`, { cause: err });
  }
  const byNode = new Map<string, { rel: string; key: string; etag: string }[]>();
  for (const k of keys) {
    const rest = k.key.slice(base.length);
    const cut = rest.indexOf('/');
    if (cut <= 0) continue;
    const node = rest.slice(0, cut);
    const list = byNode.get(node) ?? [];
    list.push({ rel: rest.slice(cut + 1), key: k.key, etag: k.etag });
    byNode.set(node, list);
  }
  const get = async (key: string): Promise<Buffer> => {
    try {
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: source.bucket, Key: key }));
      return Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array());
    } catch (err) {
      throw new StorageError(key, `cannot fetch: ${(err as Error).message}`, { cause: err });
    }
  };
  const out: { node: string; dir: string }[] = [];
  for (const [node, objects] of [...byNode].sort((a, b) => a[0].localeCompare(b[0]))) {
    const dir = path.join(o.cacheDir, node);
    const stateFile = path.join(dir, '.fleet_fetch.json');
    const prev = readJsonSnapshot(stateFile) as FetchState | undefined;
    const st: FetchState = prev?.schema_version === 1 ? prev : { schema_version: 1, streams: {}, snapshots: {} };
    for (const obj of objects) {
      if (obj.rel.includes('.chunks/')) continue;
      if (obj.rel.endsWith('.manifest.json')) {
        const rel = obj.rel.slice(0, -'.manifest.json'.length);
        const m = JSON.parse((await get(obj.key)).toString('utf8')) as StreamManifest;
        const file = path.join(dir, rel);
        let have = st.streams[rel] ?? { length: 0, chunks: 0 };
        // what we hold must end where a chunk of the manifest ends (a stream rewritten or re-chunked at the sink,
        // or a local copy that is not what we fetched, is fetched again from its start)
        const aligned = have.length === 0 || m.chunks.some((c) => c.offset + c.length === have.length);
        if (!aligned || m.length < have.length || (existsSync(file) ? statSync(file).size : 0) !== have.length) have = { length: 0, chunks: 0 };
        mkdirSync(path.dirname(file), { recursive: true });
        if (have.length === 0) writeTextAtomic(file, '');
        else truncateSync(file, have.length);
        const fd = openSync(file, 'r+');
        try {
          for (const c of m.chunks) {
            if (c.offset + c.length <= have.length) continue;
            if (c.offset !== have.length) throw new StorageError(c.key, `a chunk at ${c.offset} where ${have.length} bytes are held: the manifest has a hole`);
            const body = await get(c.key);
            if (body.length !== c.length || createHash('sha256').update(body).digest('hex') !== c.sha256) throw new StorageError(c.key, 'a chunk does not match its manifest (length or hash)');
            for (let done = 0; done < body.length; ) done += writeSync(fd, body, done, body.length - done, have.length + done);
            have = { length: have.length + body.length, chunks: have.chunks + 1 };
          }
        } finally {
          closeSync(fd);
        }
        st.streams[rel] = have;
      } else if (st.snapshots[obj.rel] !== obj.etag || !existsSync(path.join(dir, obj.rel))) {
        writeTextAtomic(path.join(dir, obj.rel), await get(obj.key));
        st.snapshots[obj.rel] = obj.etag;
      }
    }
    writeJsonAtomic(stateFile, st);
    out.push({ node, dir });
  }
  return out;
}

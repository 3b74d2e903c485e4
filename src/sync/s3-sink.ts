import { createHash } from 'node:crypto';
import type * as S3 from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { z } from 'zod';
import { StorageError } from '../core/errors.js';
import type { S3SinkSchema } from '../config/schemas/sync.js';
import type { Sink, SinkPlugin } from './sink.js';

type S3Sdk = typeof S3;

/** How a stream is kept in an object store: ordered chunk objects, and a manifest naming them. */
export interface StreamManifest {
  readonly schema_version: 1;
  /** Bytes of the stream the chunks hold, from 0, without a hole. */
  readonly length: number;
  readonly chunks: readonly { readonly key: string; readonly offset: number; readonly length: number; readonly sha256: string }[];
}

/**
 * The `s3` sink: any S3-compatible store (AWS SDK v3; endpoint override and path-style addressing for
 * MinIO, R2, s3rver…; credentials from the environment, as the SDK reads them). Objects live under
 * `<prefix>/<node_id>/`. A snapshot is one object, replaced by a PUT (atomic in S3). A stream is a run of
 * chunk objects `<rel>.chunks/<offset>-<length>` and a manifest `<rel>.manifest.json` that lists them in
 * order; a chunk is uploaded first and the manifest rewritten after, so a reader following the manifest
 * never meets a missing or half-written chunk, whatever happened to an upload.
 */
export class S3Sink implements Sink {
  readonly description: string;
  private readonly manifests = new Map<string, StreamManifest>();

  constructor(private readonly sdk: S3Sdk, private readonly client: S3Client, private readonly bucket: string, private readonly root: string) {
    this.description = `s3://${bucket}/${root}`;
  }

  async appendAt(rel: string, offset: number, bytes: Buffer): Promise<void> {
    const m = await this.manifest(rel);
    const kept = m.chunks.filter((c) => c.offset + c.length <= offset);
    const held = kept.reduce((a, c) => Math.max(a, c.offset + c.length), 0);
    if (held !== offset) throw new StorageError(this.keyOf(rel), `the sink holds ${held} bytes of the stream, a write at ${offset} would leave a hole`);
    const key = `${this.keyOf(rel)}.chunks/${String(offset).padStart(16, '0')}-${bytes.length}`;
    await this.put(key, bytes, 'application/x-ndjson');
    await this.writeManifest(rel, { schema_version: 1, length: offset + bytes.length, chunks: [...kept, { key, offset, length: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }] });
  }

  async truncate(rel: string, length: number): Promise<void> {
    const m = await this.manifest(rel);
    const kept = m.chunks.filter((c) => c.offset + c.length <= length);
    await this.writeManifest(rel, { schema_version: 1, length: kept.reduce((a, c) => Math.max(a, c.offset + c.length), 0), chunks: kept });
  }

  async lengthOf(rel: string): Promise<number | null> {
    if (rel.endsWith('.jsonl')) {
      this.manifests.delete(rel);
      const m = await this.manifest(rel);
      return m.chunks.length === 0 ? null : m.length;
    }
    try {
      const head = await this.client.send(new this.sdk.HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(rel) }));
      return head.ContentLength ?? 0;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw new StorageError(this.keyOf(rel), `cannot read from ${this.description}: ${(err as Error).message}`, { cause: err });
    }
  }

  async putSnapshot(rel: string, bytes: Buffer): Promise<void> {
    await this.put(this.keyOf(rel), bytes, 'application/json');
  }

  async close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }

  private keyOf(rel: string): string {
    return `${this.root}/${rel.split('\\').join('/')}`;
  }

  private async manifest(rel: string): Promise<StreamManifest> {
    const cached = this.manifests.get(rel);
    if (cached !== undefined) return cached;
    const m = await readManifest(this.sdk, this.client, this.bucket, `${this.keyOf(rel)}.manifest.json`);
    this.manifests.set(rel, m);
    return m;
  }

  private async writeManifest(rel: string, m: StreamManifest): Promise<void> {
    // forgotten first: if the PUT fails, the next pass reads the manifest the store really holds
    this.manifests.delete(rel);
    await this.put(`${this.keyOf(rel)}.manifest.json`, Buffer.from(JSON.stringify(m)), 'application/json');
    this.manifests.set(rel, m);
  }

  private async put(key: string, body: Buffer, type: string): Promise<void> {
    try {
      await this.client.send(new this.sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: type, ContentMD5: createHash('md5').update(body).digest('base64') }));
    } catch (err) {
      throw new StorageError(key, `upload to ${this.description} failed: ${(err as Error).message}`, { cause: err });
    }
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

async function readManifest(sdk: S3Sdk, client: S3Client, bucket: string, key: string): Promise<StreamManifest> {
  try {
    const res = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse((await res.Body?.transformToString('utf8')) ?? '') as StreamManifest;
  } catch (err) {
    if (isNotFound(err)) return { schema_version: 1, length: 0, chunks: [] };
    throw new StorageError(key, `cannot read the stream manifest: ${(err as Error).message}`, { cause: err });
  }
}

/** The reader's side: a stream reassembled from its manifest and chunks, each chunk checked against its hash. */
export async function readS3Stream(client: S3Client, bucket: string, streamKey: string): Promise<Buffer> {
  const sdk = await import('@aws-sdk/client-s3');
  const m = await readManifest(sdk, client, bucket, `${streamKey}.manifest.json`);
  const parts: Buffer[] = [];
  for (const c of m.chunks) {
    const res = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: c.key }));
    const body = Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array());
    if (createHash('sha256').update(body).digest('hex') !== c.sha256) throw new StorageError(c.key, 'a chunk does not match its manifest hash');
    parts.push(body);
  }
  return Buffer.concat(parts);
}

/** The S3 client of an `s3` sink config (the sink's writer and the fleet reader both use it): credentials from the environment. */
export function s3ClientFor(sdk: S3Sdk, config: z.infer<typeof S3SinkSchema>): S3Client {
  return new sdk.S3Client({ region: config.region, forcePathStyle: config.force_path_style, maxAttempts: 4, ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }) });
}

export const s3SinkPlugin: SinkPlugin<z.infer<typeof S3SinkSchema>> = {
  name: 's3',
  create: async (config, ctx) => {
    const sdk = await import('@aws-sdk/client-s3');
    const client = s3ClientFor(sdk, config);
    const root = [config.prefix.replace(/^\/+|\/+$/g, ''), ctx.nodeId].filter((x) => x !== '').join('/');
    return new S3Sink(sdk, client, config.bucket, root);
  },
};

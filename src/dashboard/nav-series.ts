import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { errorMessage } from '../core/errors.js';
import { readJsonSnapshot, writeJsonAtomic } from '../telemetry/atomic-json.js';
import { JsonlFollower, type FollowPosition } from '../telemetry/jsonl-reader.js';
import { NavRecord } from '../telemetry/records/nav.js';
import { statePaths } from '../telemetry/state-paths.js';

/** An account's NAV as the blended fund reads it: [ts, nav_usd] of every NAV record, oldest first, and the last record. */
export interface NavSeries {
  readonly nav: [number, number][];
  readonly lastNav: NavRecord | null;
  /** Why the fold could not be kept for the next call (a read-only state dir): the next call folds the whole stream again. */
  readonly unkept?: string;
}

/** What `navSeriesOf` keeps between processes: where it stopped in nav.jsonl and the series folded up to there. */
const KeptNavSeries = z.strictObject({
  schema_version: z.literal(1),
  /** The stream it folded (the fold of another is not this one's). */
  stream: z.string(),
  position: z.strictObject({ offset: z.number().int().nonnegative(), before: z.string() }),
  /** The series' times and NAVs, each a Float64Array's bytes (this machine's byte order: the cache is local) in base64. */
  ts: z.string(),
  nav: z.string(),
  last_nav: NavRecord.nullable(),
});

/** The file under `cacheDir` that keeps the NAV fold of the account root `root`. */
export function navSeriesFile(cacheDir: string, root: string): string {
  // a dot name: not a node's folder (node ids are lower-case letters, digits and -), beside the nodes fetched from S3
  return path.join(cacheDir, '.nav-series', `${createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 24)}.json`);
}

/**
 * The NAV series of an account root, folded from its nav.jsonl and kept in `file` between processes: a call
 * parses only the lines appended since the kept fold was written (a stream rewritten since — cut back and
 * grown again — is folded again from its start, as is one whose kept fold is missing, unreadable or of
 * another stream). The kept fold is written again once `keepEvery` records were appended since, so a call
 * parses fewer than that many lines. What `hedge status --fleet` reads of every account for the fund line, which needs the
 * whole series (its drawdown since the first record, its rolling Sharpe) and would otherwise parse every NAV
 * record of every node at each check.
 */
export function navSeriesOf(root: string, file: string, keepEvery = 1_000): NavSeries {
  const stream = path.resolve(statePaths(root).nav);
  const kept = keptFold(file, stream);
  const follower = new JsonlFollower(stream, NavRecord, kept?.position);
  // the records appended since, one at a time (a first fold of a year's log holds none of them)
  const fresh: [number, number][] = [];
  let appended: NavRecord | null = null;
  const next = follower.each((r) => {
    fresh.push([r.ts, r.nav_usd]);
    appended = r;
  });
  const base = kept !== undefined && !next.restarted ? kept : undefined;
  let nav = fresh;
  if (base !== undefined) {
    nav = new Array<[number, number]>(base.ts.length + fresh.length);
    for (let i = 0; i < base.ts.length; i++) nav[i] = [base.ts[i] as number, base.nav[i] as number];
    for (let i = 0; i < fresh.length; i++) nav[base.ts.length + i] = fresh[i] as [number, number];
  }
  const lastNav = appended ?? base?.lastNav ?? null;
  // rewritten when it is new, or once `keepEvery` records were appended since it was (each check parses those
  // again until then): a check a minute does not write the whole series a minute
  if (base === undefined || fresh.length >= keepEvery) {
    try {
      writeJsonAtomic(file, {
        schema_version: 1, stream, position: follower.position,
        ts: base64(Float64Array.from(nav, (x) => x[0])), nav: base64(Float64Array.from(nav, (x) => x[1])), last_nav: lastNav,
      } satisfies z.infer<typeof KeptNavSeries>);
    } catch (err) {
      // the series is right without it (a monitor reading a state dir mounted read-only): the caller says so
      return { nav, lastNav, unkept: errorMessage(err) };
    }
  }
  return { nav, lastNav };
}

/** The fold kept in `file` for `stream`; undefined when there is none, or it is unreadable, of another stream or inconsistent. */
function keptFold(file: string, stream: string): { position: FollowPosition; ts: Float64Array; nav: Float64Array; lastNav: NavRecord | null } | undefined {
  let raw: unknown;
  try {
    raw = readJsonSnapshot(file);
  } catch {
    return undefined;
  }
  const r = KeptNavSeries.safeParse(raw);
  if (!r.success || r.data.stream !== stream) return undefined;
  const ts = doubles(r.data.ts);
  const nav = doubles(r.data.nav);
  return ts.length === nav.length ? { position: r.data.position, ts, nav, lastNav: r.data.last_nav } : undefined;
}

function base64(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function doubles(b64: string): Float64Array {
  const bytes = Buffer.from(b64, 'base64');
  // copied into an aligned buffer of its own: a Buffer's bytes may start anywhere in Node's pool
  const out = new Float64Array(Math.floor(bytes.length / 8));
  new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 8));
  return out;
}

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { canonicalJson, sha256Hex } from '../core/canonical-json.js';
import { ConfigError, UsageError, type ConfigIssue } from '../core/errors.js';
import { valueAt } from './describe-value.js';
import { configFileIds, configFiles, type ConfigFileId, type ConfigSet } from './files.js';
import { parseJsonSource, type JsonSource } from './json-source.js';
import { mergePatch } from './merge-patch.js';
import { ProfileSchema, profileNamePattern, type ProfileConfig } from './profile.js';
import { toConfigIssues } from './zod-issues.js';

/** Where to load config from. */
export interface LoadConfigOptions {
  /** Folder holding the config files. */
  readonly configDir: string;
  /** Name of a profile under `<configDir>/profiles/`, overlaid on the base. */
  readonly profile?: string | undefined;
}

/** A validated, frozen config set and what identifies it. */
export interface LoadedConfig {
  readonly configDir: string;
  readonly profile: string | null;
  /** Every file, validated, defaults applied, deeply frozen. */
  readonly config: ConfigSet;
  /** SHA-256 of the canonical JSON of `config`: names the effective config in every record. */
  readonly fingerprint: string;
  /** SHA-256 of each source file's bytes, by file name (profile included). */
  readonly fileHashes: Readonly<Record<string, string>>;
}

/** Reads and parses one file; a missing or unreadable file is an issue, not an exception. */
export function readJsonFile(file: string, label = file): { source?: JsonSource; bytes?: Buffer; issues: ConfigIssue[] } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const found = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : `an unreadable file (${code ?? 'error'})`;
    return { issues: [{ file: label, path: '$', expected: 'a readable JSON file', found }] };
  }
  const parsed = parseJsonSource(label, bytes.toString('utf8'));
  return parsed.ok ? { source: parsed.source, bytes, issues: [] } : { bytes, issues: parsed.issues };
}

/** Validates `source.value` with `schema`, returning the parsed value or located issues. */
export function validateSource<S extends z.ZodType>(source: JsonSource, schema: S): { value?: z.infer<S>; issues: ConfigIssue[] } {
  const result = schema.safeParse(source.value);
  return result.success ? { value: result.data, issues: [] } : { issues: toConfigIssues(source, schema, result.error.issues) };
}

/** Names of the profiles available in a config folder. */
export function listProfiles(configDir: string): string[] {
  try {
    return readdirSync(path.join(configDir, 'profiles'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort();
  } catch {
    return [];
  }
}

/** Every config document of a config set, read and parsed, with the profile overlaid. */
export interface ConfigSources {
  /** Merged document per file id; absent where the file could not be read or parsed. */
  readonly sources: Partial<Record<ConfigFileId, JsonSource>>;
  /** Read, parse and profile-schema issues. */
  readonly issues: ConfigIssue[];
  readonly fileHashes: Record<string, string>;
}

/**
 * Reads and parses every config file and overlays the profile (RFC 7396 merge patch), without
 * validating the files against their schemas yet.
 */
export function readConfigSources(options: LoadConfigOptions): ConfigSources {
  const issues: ConfigIssue[] = [];
  const fileHashes: Record<string, string> = {};
  const display = (name: string) => path.join(options.configDir, name);

  let profile: { config: ProfileConfig; source: JsonSource } | undefined;
  if (options.profile !== undefined) {
    if (!profileNamePattern.test(options.profile))
      throw new UsageError(`profile name must match ${profileNamePattern.source}, was "${options.profile}"`);
    const rel = path.join('profiles', `${options.profile}.json`);
    const read = readJsonFile(display(rel));
    if (read.issues[0]?.found === 'no such file') {
      const known = listProfiles(options.configDir);
      throw new UsageError(`unknown profile "${options.profile}" (no ${display(rel)}); known: ${known.length > 0 ? known.join(', ') : '(none)'}`);
    }
    issues.push(...read.issues);
    if (read.source !== undefined && read.bytes !== undefined) {
      fileHashes[rel] = sha256Hex(read.bytes);
      const validated = validateSource(read.source, ProfileSchema);
      issues.push(...validated.issues);
      if (validated.value !== undefined) profile = { config: validated.value, source: read.source };
    }
  }

  const sources: Partial<Record<ConfigFileId, JsonSource>> = {};
  for (const id of configFileIds) {
    const { file } = configFiles[id];
    const read = readJsonFile(display(file));
    issues.push(...read.issues);
    if (read.source === undefined || read.bytes === undefined) continue;
    fileHashes[file] = sha256Hex(read.bytes);
    const patch = profile?.config.overrides[id];
    sources[id] = patch === undefined || profile === undefined ? read.source : overlay(read.source, profile.source, id, patch);
  }
  return { sources, issues, fileHashes };
}

/** Validates read sources with their zod schemas; returns the config set or every issue found. */
export function validateConfigSources(read: ConfigSources): { config?: ConfigSet; issues: ConfigIssue[] } {
  const issues = [...read.issues];
  const config: Partial<Record<ConfigFileId, unknown>> = {};
  for (const id of configFileIds) {
    const source = read.sources[id];
    if (source === undefined) continue;
    const validated = validateSource(source, configFiles[id].schema);
    issues.push(...validated.issues);
    if (validated.value !== undefined) config[id] = withoutSchemaRef(validated.value);
  }
  return issues.length > 0 ? { issues } : { config: deepFreeze(config) as ConfigSet, issues };
}

/**
 * Loads every config file, overlays the profile, validates each against its schema and collects
 * every issue of every file before failing, so one run shows everything there is to fix.
 * Throws `ConfigError` (exit 2) when anything is wrong.
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const read = readConfigSources(options);
  const { config, issues } = validateConfigSources(read);
  if (config === undefined) throw new ConfigError(issues);
  return Object.freeze({
    configDir: options.configDir,
    profile: options.profile ?? null,
    config,
    fingerprint: fingerprintOf(config),
    fileHashes: Object.freeze(read.fileHashes),
  });
}

/** SHA-256 of the canonical JSON of an effective config set. */
export function fingerprintOf(config: ConfigSet): string {
  return sha256Hex(canonicalJson(config));
}

/** A merged document whose issues point at the profile for values the profile set, else at the base. */
function overlay(base: JsonSource, profile: JsonSource, id: ConfigFileId, patch: unknown): JsonSource {
  const fromProfile = (p: readonly (string | number)[]) => p.length > 0 && valueAt(patch, p) !== undefined;
  return {
    file: base.file,
    value: mergePatch(base.value, patch),
    locate: (p) => (fromProfile(p) ? profile.locate(['overrides', id, ...p]) : base.locate(p)),
    fileOf: (p) => (fromProfile(p) ? profile.file : base.file),
  };
}

/** `$schema` only points editors at a schema; it is not part of the effective config. */
function withoutSchemaRef(value: object): object {
  const { $schema: _ignored, ...rest } = value as { $schema?: string };
  return rest;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

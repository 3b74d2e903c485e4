import { readFileSync } from 'node:fs';
import type { ConfigIssue } from '../core/errors.js';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { configFileIds, configFiles, type ConfigFileId } from '../config/files.js';
import { generateJsonSchemas } from '../config/json-schema.js';
import type { ConfigSources } from '../config/load.js';
import { validateSource } from '../config/load.js';
import type { Finding } from './finding.js';
import { findingOf } from './finding.js';

/** Which JSON Schemas the ajv pass used. */
export interface JsonSchemaSet {
  readonly validators: ReadonlyMap<ConfigFileId, ValidateFunction>;
  /** `config/schema` when the files were there, else `generated` (in memory, from zod). */
  readonly origin: string;
  readonly findings: Finding[];
}

/**
 * Compiles the JSON Schemas in `<configDir>/schema/` with ajv (draft 2020-12). Where a file is
 * missing or stale, the audit says so and uses the schema generated from zod instead.
 */
export function loadJsonSchemas(configDir: string): JsonSchemaSet {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const generated = new Map(generateJsonSchemas().map((g) => [g.file, g.text]));
  const validators = new Map<ConfigFileId, ValidateFunction>();
  const findings: Finding[] = [];
  let allOnDisk = true;
  for (const id of configFileIds) {
    const name = configFiles[id].file.replace(/\.json$/, '.schema.json');
    const file = path.join(configDir, 'schema', name);
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      allOnDisk = false;
      findings.push({ severity: 'warning', code: 'schema_file_missing', profile: 'base', file, path: '$', expected: 'the generated JSON Schema (npm run schema)', found: 'no such file' });
    }
    const fresh = generated.get(name) ?? '';
    if (text !== undefined && text !== fresh) {
      findings.push({ severity: 'error', code: 'schema_file_stale', profile: 'base', file, path: '$', expected: 'the JSON Schema generated from the zod schema (npm run schema)', found: 'a different, stale file' });
    }
    validators.set(id, ajv.compile(JSON.parse(text ?? fresh) as object));
  }
  return { validators, origin: allOnDisk ? path.join(configDir, 'schema') : 'generated', findings };
}

/** Classes a read issue: a missing file, text that is not JSON (or repeats a key), or a schema issue. */
function readIssueCode(issue: ConfigIssue): string {
  if (issue.found === 'no such file') return 'missing_file';
  if (issue.expected.startsWith('valid JSON') || issue.expected === 'each key once per object' || issue.expected === 'a JSON document') return 'malformed_json';
  return 'schema';
}

/**
 * Validates every document twice: with its zod schema and with ajv against the JSON Schema. zod
 * reports what is wrong (with line and column). The two must agree on the structure: a document that
 * one accepts and the other rejects is a `schema_disagreement` (a bug in hedge). Cross-field rules
 * (zod refinements, `custom` issues) have no JSON Schema form and are left out of the comparison.
 */
export function checkSchemas(read: ConfigSources, schemas: JsonSchemaSet, profile: string): Finding[] {
  const findings: Finding[] = read.issues.map((i) => findingOf(i, readIssueCode(i), profile));
  for (const id of configFileIds) {
    const source = read.sources[id];
    if (source === undefined) continue;
    const schema = configFiles[id].schema;
    const zodResult = schema.safeParse(source.value);
    const structuralOk = zodResult.success || zodResult.error.issues.every((i) => i.code === 'custom');
    const { issues } = validateSource(source, schema);
    findings.push(...issues.map((i) => findingOf(i, 'schema', profile)));
    const validate = schemas.validators.get(id);
    if (validate === undefined) continue;
    const ajvOk = validate(source.value) === true;
    if (ajvOk !== structuralOk) {
      const ajvSays = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
      findings.push({
        severity: 'error',
        code: 'schema_disagreement',
        profile,
        file: source.file,
        path: '$',
        expected: 'zod and the JSON Schema to agree',
        found: ajvOk ? 'zod rejects what the JSON Schema accepts' : `the JSON Schema rejects what zod accepts: ${ajvSays}`,
      });
    }
  }
  return findings;
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { configFileIds, configFiles } from '../../src/config/files.js';
import { generateJsonSchemas } from '../../src/config/json-schema.js';
import { defaultConfigDir } from '../../src/core/paths.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside a document. */
function paths(doc: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(doc)) doc.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (doc !== null && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) out.push(...paths(v, [...prefix, k]));
  return out;
}

/** A copy of `doc` with the value at `at` replaced (or removed when `value` is undefined). */
function mutate(doc: Json, at: (string | number)[], value: Json | undefined): Json {
  if (at.length === 0) return value ?? null;
  const copy = structuredClone(doc) as Record<string | number, Json>;
  let cur = copy;
  for (const seg of at.slice(0, -1)) cur = cur[seg] as Record<string | number, Json>;
  const last = at.at(-1) as string | number;
  if (value === undefined) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else cur[last] = value;
  return copy as Json;
}

const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom('', 'BTCUSDT', 'btcusdt', 'momentum', 'paper', 'taker', 'dir', '1h', 'live', 'UTC', 'https://x.example', 'A'.repeat(70)),
  fc.constant([] as Json[]),
  fc.constant({} as Json),
  fc.array(fc.constantFrom('BTCUSDT', 'ETHUSDT', 'x'), { maxLength: 3 }),
);

describe('zod and the generated JSON Schemas agree on structure', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const generated = new Map(generateJsonSchemas().map((g) => [g.file, JSON.parse(g.text) as object]));

  it.each(configFileIds)('%s: 500 random mutations of the shipped file', (id) => {
    const { file, schema } = configFiles[id];
    const validate = ajv.compile(generated.get(file.replace('.json', '.schema.json')) ?? {});
    const doc = JSON.parse(readFileSync(path.join(defaultConfigDir, file), 'utf8')) as Json;
    const all = paths(doc);
    fc.assert(
      fc.property(
        fc.nat({ max: all.length - 1 }),
        fc.option(jsonValue, { nil: undefined }),
        fc.option(fc.constantFrom('extra', 'max_levrage', 'enabled'), { nil: undefined }),
        (i, value, extraKey) => {
          let mutated = mutate(doc, all[i] ?? [], value);
          if (extraKey !== undefined && mutated !== null && typeof mutated === 'object' && !Array.isArray(mutated)) mutated = { ...mutated, [extraKey]: 1 };
          const z = schema.safeParse(mutated);
          const zodStructural = z.success || z.error.issues.every((x) => x.code === 'custom');
          const ajvOk = validate(mutated) === true;
          return zodStructural === ajvOk;
        },
      ),
      { numRuns: 500, seed: 42 },
    );
  });

  it('both accept every shipped file', () => {
    for (const id of configFileIds) {
      const { file, schema } = configFiles[id];
      const doc = JSON.parse(readFileSync(path.join(defaultConfigDir, file), 'utf8')) as unknown;
      expect(schema.safeParse(doc).success).toBe(true);
      expect(ajv.compile(generated.get(file.replace('.json', '.schema.json')) ?? {})(doc)).toBe(true);
    }
  });
});

import { scrubSecrets } from '../core/secrets.js';

/** Keys whose values are never logged, whatever they hold. */
export const SECRET_KEY = /(secret|api[-_]?key|apikey|password|passphrase|signature|token|authorization|x-mbx-apikey|private[-_]?key|credential)/i;

/**
 * A copy of `value` safe to log: members under secret-looking keys become `[REDACTED]`, and any
 * registered secret value found inside a string (a URL query, an error message) is cut out.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) return { type: value.name, message: scrubSecrets(value.message) };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[REDACTED]' : redact(v, depth + 1);
  return out;
}

/**
 * Secret values known to this process (API keys, tokens). Whatever reads a secret registers it
 * here, and the log redactor replaces any occurrence of a registered value, wherever it appears.
 */
const known = new Set<string>();

/** Remembers `value` as secret so it can never be logged. Values shorter than 8 characters are refused. */
export function registerSecret(value: string): void {
  if (value.length >= 8) known.add(value);
}

/** The registered secret values. */
export function secretValues(): ReadonlySet<string> {
  return known;
}

/** Replaces every registered secret value inside `text` with `[REDACTED]`. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  return out;
}

/**
 * ISO 8601 text of instants, by calendar arithmetic instead of a `Date` per call: the backtest names every
 * cycle and every trading day, a million times a run, and `Date.prototype.toISOString` costs several
 * hundred nanoseconds each. Same text as `toISOString` (years 0000–9999; outside them it defers to it).
 */

const DAY_MS = 86_400_000;
/** 1970-01-01 → 0000-03-01 in days; the proleptic Gregorian calendar's 400-year cycle is 146,097 days. */
const EPOCH_SHIFT = 719_468;
/** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the span `toISOString` writes with four-digit years. */
const MIN_MS = -62_167_219_200_000;
const MAX_MS = 253_402_300_800_000;
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** `YYYY-MM-DD` of the UTC day numbered `day` (days since 1970-01-01, may be negative). */
export function isoDateOfDay(day: number): string {
  const ms = day * DAY_MS;
  if (!(ms >= MIN_MS && ms < MAX_MS)) return new Date(ms).toISOString().slice(0, 10);
  // H. Hinnant's civil_from_days
  const z = day + EPOCH_SHIFT;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${TWO[Math.floor(y / 100)] as string}${TWO[y % 100] as string}-${TWO[m] as string}-${TWO[d] as string}`;
}

/** `new Date(ms).toISOString()`: `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
export function isoOf(ms: number): string {
  if (!(ms >= MIN_MS && ms < MAX_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  let r = ms - day * DAY_MS;
  const milli = r % 1000;
  r = (r - milli) / 1000;
  const s = r % 60;
  r = (r - s) / 60;
  const min = r % 60;
  const h = (r - min) / 60;
  return `${isoDateOfDay(day)}T${TWO[h] as string}:${TWO[min] as string}:${TWO[s] as string}.${THREE[milli] as string}Z`;
}

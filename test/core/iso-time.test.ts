import { describe, expect, it } from 'vitest';
import { isoDateOfDay, isoOf } from '../../src/core/iso-time.js';

const DAY_MS = 86_400_000;

describe('ISO text by calendar arithmetic', () => {
  it('writes what Date.prototype.toISOString writes, over years 0000-9999 and beyond', () => {
    // seeded, uniform over the whole four-digit-year span, plus every day of 1600-2400 (leap centuries)
    let s = 12_345;
    const u = () => {
      s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
      return s / 4_294_967_296;
    };
    const lo = -62_167_219_200_000;
    const hi = 253_402_300_800_000;
    for (let k = 0; k < 200_000; k++) {
      const ms = Math.floor(lo + u() * (hi - lo));
      if (isoOf(ms) !== new Date(ms).toISOString()) expect.fail(`${ms}: ${isoOf(ms)} vs ${new Date(ms).toISOString()}`);
    }
    for (let day = Math.floor(Date.UTC(1600, 0, 1) / DAY_MS); day < Date.UTC(2400, 0, 1) / DAY_MS; day++)
      if (isoDateOfDay(day) !== new Date(day * DAY_MS).toISOString().slice(0, 10)) expect.fail(`day ${day}: ${isoDateOfDay(day)}`);
    for (const ms of [lo, lo - 1, hi - 1, hi, 0, -1, 1.5, Date.UTC(2024, 1, 29, 23, 59, 59, 999)]) expect(isoOf(ms)).toBe(new Date(ms).toISOString());
  });
});

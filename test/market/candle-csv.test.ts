import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { parseCandleCsv, parseDecimal } from '../../src/market/candle-csv.js';

const H = 3_600_000;
const header = 'open_time_ms,open,high,low,close,volume\n';

describe('parseCandleCsv', () => {
  it('reports gaps with their size instead of filling them', () => {
    const text = `${header}${0},1,2,0.5,1.5,10\n${H},1.5,2,1,1.8,5\n${4 * H},1.8,2,1,1.9,5\n`;
    const { series, gaps } = parseCandleCsv(text, 'X', '1h', 'x.csv');
    expect(series.length).toBe(3);
    expect(gaps).toEqual([{ afterMs: H, resumeMs: 4 * H, missingBars: 2 }]);
  });

  it.each([
    ['a repeated timestamp', `${header}0,1,1,1,1,1\n0,1,1,1,1,1\n`, /does not follow/],
    ['a bar off the grid', `${header}1000,1,1,1,1,1\n`, /not on the 1h grid/],
    ['a high below the close', `${header}0,1,1,0.5,2,1\n`, /low ≤ open,close ≤ high/],
    ['a non-numeric price', `${header}0,1,x,1,1,1\n`, /expected six numbers/],
    ['a missing column', 'open_time_ms,open,high,low,close\n0,1,1,1,1\n', /header lacks volume/],
  ])('rejects %s with the file and line', (_name, text, message) => {
    expect(() => parseCandleCsv(text, 'X', '1h', 'x.csv')).toThrow(DataError);
    expect(() => parseCandleCsv(text, 'X', '1h', 'x.csv')).toThrow(message);
  });

  it('ignores extra columns such as quote volume', () => {
    const text = 'open_time_ms,open,high,low,close,volume,close_time_ms,quote_volume\n0,1,2,0.5,1.5,10,3599999,15\n';
    expect(parseCandleCsv(text, 'X', '1h', 'x.csv').series.close[0]).toBe(1.5);
  });
});

describe('parseDecimal reads a field exactly as Number() does', () => {
  it('on 200,000 random decimals, signs, padding, and what it hands to Number()', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const cases = ['0', '-0', '1.', '.5', '+3.25', ' 42 ', '17\r', '1e5', '1.5E-3', '0x10', '12345678901234567890', '0.1234567890123456789', '1735693199999', '93548.80', '-', '.', 'abc'];
    for (let i = 0; i < 200_000; i++) {
      const int = Math.floor(rnd() * 10 ** Math.floor(rnd() * 9));
      const frac = Math.floor(rnd() * 10 ** Math.floor(rnd() * 9)).toString().padStart(Math.floor(rnd() * 9), '0');
      cases.push(`${rnd() < 0.2 ? '-' : ''}${int}${frac === '' ? '' : `.${frac}`}`);
    }
    for (const c of cases) {
      const got = parseDecimal(c, 0, c.length);
      const want = c.trim() === '' ? Number.NaN : Number(c);
      if (!Object.is(got, want)) expect.fail(`${JSON.stringify(c)}: parseDecimal ${got}, Number ${want}`);
    }
  });
});

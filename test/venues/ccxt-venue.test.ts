import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { bundledFiles, loadBundledText } from '../../src/market/bundled.js';
import { CcxtVenue } from '../../src/venues/ccxt/ccxt-venue.js';
import { RateLimitError } from '../../src/venues/errors.js';
import { FapiServer } from '../support/fapi-server.js';
import { marketBuy, onLoopbackFapi } from './venue-contract.js';

const exchangeInfo = JSON.parse(loadBundledText(bundledFiles.exchangeInfo)) as unknown;

async function subject() {
  const server = new FapiServer();
  const base = await server.start();
  const apiUrls = Object.fromEntries(
    ['fapiPublic', 'fapiPublicV2', 'fapiPublicV3', 'fapiPrivate', 'fapiPrivateV2', 'fapiPrivateV3'].map((k) => [k, `${base}/fapi/${k.endsWith('V2') ? 'v2' : k.endsWith('V3') ? 'v3' : 'v1'}`]),
  );
  const venue = await CcxtVenue.create({
    exchangeId: 'binanceusdm', apiKey: server.apiKey, secret: server.apiSecret, apiUrls, markets: { kind: 'binance-exchange-info', json: exchangeInfo },
    instruments: server.instruments, clock: new ManualClock(1_800_000_000_000), timeoutMs: 1_500,
  });
  return { server, venue };
}

describe('ccxt adapter', () => {
  const current = onLoopbackFapi('ccxt (binanceusdm) against the loopback fapi', () => subject());
  let s: ReturnType<typeof current>;
  beforeEach(() => {
    s = current();
  });
  const buy = marketBuy;

  it('needs no network until an order is sent: markets come from the saved exchangeInfo', async () => {
    expect(s.server.requests).toEqual([]);
    const o = await s.venue.createOrder(buy('first'));
    expect(o.status).toBe('filled');
    expect(s.server.requests.map((r) => r.path)).toEqual(['/fapi/v1/order']);
    expect(BigInt(o.venueOrderId)).toBeGreaterThan(2n ** 53n); // ccxt keeps the unsafe integer as text
  });

  it('finds an order whose acknowledgement was lost instead of sending it twice', async () => {
    s.server.inject({ method: 'POST', path: '/fapi/v1/order', kind: 'drop' });
    const o = await s.venue.createOrder(buy('lost'));
    expect(o.status).toBe('filled');
    expect(s.server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('maps 429 to a rate-limit error and a refusal to a value with the venue code', async () => {
    s.server.inject({ method: 'POST', path: '/fapi/v1/order', kind: 'reply', status: 429, body: '{"code":-1003,"msg":"Too many requests."}' });
    await expect(s.venue.createOrder(buy('rl'))).rejects.toBeInstanceOf(RateLimitError);
    s.server.inject({ method: 'POST', path: '/fapi/v1/order', kind: 'reply', status: 400, body: '{"code":-2019,"msg":"Margin is insufficient."}' });
    expect((await s.venue.createOrder(buy('margin'))).reject).toEqual({ code: -2019, message: 'Margin is insufficient.' });
  });

  it('resyncs its clock and resends once on -1021', async () => {
    s.server.inject({ method: 'POST', path: '/fapi/v1/order', kind: 'reply', status: 400, body: '{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}' });
    expect((await s.venue.createOrder(buy('skew'))).status).toBe('filled');
    expect(s.server.requests.some((r) => r.path === '/fapi/v1/time')).toBe(true);
  });

  it('refuses to start on an account in hedge mode', async () => {
    s.server.dualSidePosition = true;
    await expect(s.venue.start()).rejects.toThrow(/hedge position mode/);
    expect(s.server.writes()).toEqual([]);
  });
});

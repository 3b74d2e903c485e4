import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SubmitOrder } from '../../src/domain/order.js';
import type { Level } from '../../src/venues/paper/paper-venue.js';
import type { Venue } from '../../src/venues/port.js';
import type { FapiServer } from '../support/fapi-server.js';

/** How a contract test moves the market of the venue under test. */
export interface MarketDriver {
  /** Mark price, and a tight book around it. */
  setPrice(symbol: string, price: number): Promise<void>;
  /** An explicit book (for partial fills). */
  setBook(symbol: string, bids: Level[], asks: Level[]): Promise<void>;
}

export interface ContractSubject {
  readonly venue: Venue;
  readonly market: MarketDriver;
  close(): Promise<void>;
}

let seq = 0;
const id = (tag: string) => `ct-${tag}-${++seq}`;
const order = (o: Partial<SubmitOrder> & Pick<SubmitOrder, 'side' | 'type' | 'qty'>): SubmitOrder => ({
  clientOrderId: id(o.type), symbol: 'BTCUSDT', reduceOnly: false, ...o,
});

/** The contract every Venue adapter passes (paper, Binance against the loopback fapi, ccxt against it too). */
export function venueContract(name: string, make: () => Promise<ContractSubject>): void {
  describe(`Venue contract: ${name}`, () => {
    const withVenue = (fn: (s: ContractSubject) => Promise<void>) => async () => {
      const s = await make();
      try {
        await s.venue.setLeverage('BTCUSDT', 5);
        await s.market.setPrice('BTCUSDT', 60_000);
        await fn(s);
      } finally {
        await s.close();
      }
    };

    it('fills a market order and shows the position', withVenue(async ({ venue }) => {
      const o = await venue.createOrder(order({ side: 'buy', type: 'market', qty: 0.01 }));
      expect(o.reject).toBeNull();
      expect(o.status).toBe('filled');
      expect(o.filledQty).toBe(0.01);
      expect(o.venueOrderId).toMatch(/^\d+$/);
      const positions = await venue.fetchPositions();
      expect(positions.map((p) => [p.symbol, p.qty])).toEqual([['BTCUSDT', 0.01]]);
    }));

    it('rests a limit order away from the market, lists it, cancels it', withVenue(async ({ venue }) => {
      const o = await venue.createOrder(order({ side: 'buy', type: 'limit', qty: 0.01, price: 58_000, timeInForce: 'GTC' }));
      expect(o.status).toBe('new');
      expect((await venue.fetchOpenOrders('BTCUSDT')).map((x) => x.clientOrderId)).toEqual([o.clientOrderId]);
      const c = await venue.cancelOrder('BTCUSDT', o.clientOrderId);
      expect(c.status).toBe('canceled');
      expect(await venue.fetchOpenOrders('BTCUSDT')).toEqual([]);
      expect((await venue.fetchOrder('BTCUSDT', o.clientOrderId))?.status).toBe('canceled');
    }));

    it('amends by cancel and replace under a new client id', withVenue(async ({ venue }) => {
      const first = await venue.createOrder(order({ side: 'sell', type: 'limit', qty: 0.01, price: 61_000 }));
      await venue.cancelOrder('BTCUSDT', first.clientOrderId);
      const second = await venue.createOrder(order({ side: 'sell', type: 'limit', qty: 0.01, price: 60_900 }));
      const open = await venue.fetchOpenOrders('BTCUSDT');
      expect(open.map((x) => [x.clientOrderId, x.price])).toEqual([[second.clientOrderId, 60_900]]);
    }));

    it('fills part of an IOC order against a thin book and expires the rest', withVenue(async ({ venue, market }) => {
      await market.setBook('BTCUSDT', [[59_999.9, 1]], [[60_000.1, 0.004], [60_000.5, 0.003], [60_100, 5]]);
      const o = await venue.createOrder(order({ side: 'buy', type: 'limit', qty: 0.01, price: 60_000.5, timeInForce: 'IOC' }));
      expect(o.status).toBe('expired');
      expect(o.filledQty).toBeCloseTo(0.007, 9);
      expect(o.avgFillPrice).toBeCloseTo((0.004 * 60_000.1 + 0.003 * 60_000.5) / 0.007, 4); // Binance reports avgPrice to 5 decimals
    }));

    it('rejects reduce-only without a position, and exempts reduce-only from min notional', withVenue(async ({ venue }) => {
      const none = await venue.createOrder(order({ side: 'sell', type: 'market', qty: 0.001, reduceOnly: true }));
      expect(none.reject?.code).toBe(-2022);
      await venue.createOrder(order({ side: 'buy', type: 'market', qty: 0.005 }));
      const small = await venue.createOrder(order({ side: 'sell', type: 'market', qty: 0.001 }));
      expect(small.reject?.code).toBe(-4164); // 60 USDT < 100: refused as an opening order…
      const reduce = await venue.createOrder(order({ side: 'sell', type: 'market', qty: 0.001, reduceOnly: true }));
      expect(reduce.reject).toBeNull(); // …accepted as reduce-only
      expect(reduce.status).toBe('filled');
    }));

    it('rejects prices beyond PERCENT_PRICE (5% around mark on BTCUSDT)', withVenue(async ({ venue }) => {
      expect((await venue.createOrder(order({ side: 'buy', type: 'limit', qty: 0.01, price: 55_000 }))).reject?.code).toBe(-4024);
      expect((await venue.createOrder(order({ side: 'sell', type: 'limit', qty: 0.01, price: 65_000 }))).reject?.code).toBe(-4016);
    }));

    it('rejects off-grid prices, and post-only orders that would take', withVenue(async ({ venue }) => {
      expect((await venue.createOrder(order({ side: 'buy', type: 'limit', qty: 0.01, price: 59_000.05 }))).reject?.code).toBe(-1111);
      expect((await venue.createOrder(order({ side: 'buy', type: 'limit', qty: 0.01, price: 60_100, timeInForce: 'GTX' }))).reject?.code).toBe(-5022);
      expect((await venue.createOrder(order({ side: 'buy', type: 'limit', qty: 0.01, price: 59_900, timeInForce: 'GTX' }))).status).toBe('new');
    }));

    it('never places the same client order id twice', withVenue(async ({ venue }) => {
      const cmd = order({ side: 'buy', type: 'limit', qty: 0.01, price: 58_000 });
      const first = await venue.createOrder(cmd);
      const again = await venue.createOrder(cmd);
      expect(again.reject?.code).toBe(-4116);
      expect((await venue.fetchOpenOrders('BTCUSDT')).length).toBe(1);
      expect((await venue.fetchOrder('BTCUSDT', cmd.clientOrderId))?.venueOrderId).toBe(first.venueOrderId);
    }));

    it('places, lists and cancels a reduce-only protective stop and take-profit', withVenue(async ({ venue }) => {
      await venue.createOrder(order({ side: 'buy', type: 'market', qty: 0.01 }));
      const sl = await venue.createOrder(order({ side: 'sell', type: 'stop_market', qty: 0.01, stopPrice: 58_000, reduceOnly: true }));
      const tp = await venue.createOrder(order({ side: 'sell', type: 'take_profit_market', qty: 0.01, stopPrice: 63_000, reduceOnly: true }));
      expect([sl.status, sl.stopPrice, tp.status, tp.stopPrice]).toEqual(['new', 58_000, 'new', 63_000]);
      expect((await venue.fetchOpenOrders('BTCUSDT')).map((o) => o.clientOrderId).sort()).toEqual([sl.clientOrderId, tp.clientOrderId].sort());
      expect((await venue.fetchOrder('BTCUSDT', sl.clientOrderId))?.type).toBe('stop_market');
      expect((await venue.cancelOrder('BTCUSDT', sl.clientOrderId)).status).toBe('canceled');
      expect((await venue.fetchOpenOrders('BTCUSDT')).map((o) => o.clientOrderId)).toEqual([tp.clientOrderId]);
    }));

    it('knows nothing of an order it never accepted', withVenue(async ({ venue }) => {
      expect(await venue.fetchOrder('BTCUSDT', 'never-sent')).toBeUndefined();
      expect((await venue.cancelOrder('BTCUSDT', 'never-sent')).reject?.code).toBe(-2011);
    }));
  });
}

/** An adapter on the loopback fapi server, as the Binance and ccxt tests build it. */
export interface LoopbackSubject {
  readonly server: FapiServer;
  readonly venue: Venue & { start(): Promise<void> };
}

/**
 * The contract suite for an adapter on the loopback fapi, and what its own transport tests start from:
 * a fresh adapter and server per test with a BTCUSDT book at 60,000, closed after. Call inside `describe`.
 */
export function onLoopbackFapi<S extends LoopbackSubject>(name: string, subject: () => Promise<S>): () => S {
  venueContract(name, async () => {
    const { server, venue } = await subject();
    await venue.start();
    return { venue, market: server.marketDriver(), close: () => server.close() };
  });
  let current: S | undefined;
  beforeEach(async () => {
    current = await subject();
    current.server.engine.setBook('BTCUSDT', [[59_999.9, 50]], [[60_000.1, 50]]);
  });
  afterEach(() => current?.server.close());
  return () => {
    if (current === undefined) throw new TypeError('onLoopbackFapi: no subject outside a test');
    return current;
  };
}

/** A 0.01 BTCUSDT market buy under `clientOrderId`: the order the transport tests send. */
export const marketBuy = (clientOrderId: string) => ({ clientOrderId, symbol: 'BTCUSDT', side: 'buy' as const, type: 'market' as const, qty: 0.01, reduceOnly: false });

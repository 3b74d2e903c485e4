/**
 * A loopback HTTP server that answers like Binance USD-M's fapi for the endpoints hedge uses. It checks
 * the API key header, the HMAC-SHA256 signature and recvWindow, validates order parameters per order
 * type as Binance documents them (unknown or unexpected parameters are refused with -1106/-1104),
 * matches orders on an order book of its own (a paper venue engine), answers in the recorded payload
 * shapes (order ids above 2^53 as raw JSON integers) and injects faults on demand: error bodies, 429
 * with Retry-After, 418, 5xx, timeouts and lost acknowledgements.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SystemClock } from '../../src/core/clock.js';
import type { Order, SubmitOrder } from '../../src/domain/order.js';
import { loadBundledInstruments } from '../../src/market/instrument-provider.js';
import { loadBundledText, bundledFiles } from '../../src/market/bundled.js';
import { CandleStore } from '../../src/market/candle-store.js';
import { hasBundledCandles, loadBundledFunding } from '../../src/market/history.js';
import { timeframeMs } from '../../src/domain/timeframe.js';
import { PaperVenue } from '../../src/venues/paper/paper-venue.js';

/** A fault to inject into the next matching request(s). */
export interface Fault {
  readonly method?: string;
  readonly path?: string;
  /** `reply`: answer with status/body/headers; `drop`: process the request, then cut the connection (lost ack); `hang`: never answer. */
  readonly kind: 'reply' | 'drop' | 'hang';
  readonly status?: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** How many requests it applies to (default 1). */
  times?: number;
}

/** One request as the server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly signed: boolean;
  readonly status: number;
}

// What Binance accepts on POST /fapi/v1/order, per type (one-way mode), from the API documentation.
// Conditional types moved to POST /fapi/v1/algoOrder on 2025-12-09; the classic endpoint answers -4120.
const ORDER_PARAMS: Record<string, { allowed: string[]; mandatory: string[] }> = {
  MARKET: { allowed: ['quantity', 'reduceOnly', 'positionSide'], mandatory: ['quantity'] },
  LIMIT: { allowed: ['quantity', 'price', 'timeInForce', 'reduceOnly', 'positionSide', 'priceMatch', 'goodTillDate'], mandatory: ['quantity', 'price', 'timeInForce'] },
};
const ALWAYS = ['symbol', 'side', 'type', 'newClientOrderId', 'newOrderRespType', 'selfTradePreventionMode', 'timestamp', 'recvWindow'];
const CONDITIONAL = ['STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'];
const ALGO_PARAMS = {
  allowed: ['algoType', 'symbol', 'side', 'positionSide', 'type', 'timeInForce', 'quantity', 'price', 'triggerPrice', 'workingType', 'priceMatch', 'closePosition', 'priceProtect', 'reduceOnly', 'activatePrice', 'activationPrice', 'callbackRate', 'clientAlgoId', 'newOrderRespType', 'selfTradePreventionMode', 'goodTillDate', 'timestamp', 'recvWindow'],
  mandatory: ['algoType', 'symbol', 'side', 'type', 'triggerPrice'],
};
const ALGO_STATUS_TO = { new: 'NEW', partially_filled: 'TRIGGERED', filled: 'FINISHED', canceled: 'CANCELED', expired: 'EXPIRED', rejected: 'REJECTED' } as const;
const TYPE_FROM = { MARKET: 'market', LIMIT: 'limit', STOP_MARKET: 'stop_market', TAKE_PROFIT_MARKET: 'take_profit_market' } as const;
const STATUS_TO = { new: 'NEW', partially_filled: 'PARTIALLY_FILLED', filled: 'FILLED', canceled: 'CANCELED', expired: 'EXPIRED', rejected: 'REJECTED' } as const;

export class FapiServer {
  readonly instruments = loadBundledInstruments();
  readonly engine: PaperVenue;
  readonly requests: SeenRequest[] = [];
  readonly faults: Fault[] = [];
  /** Server clock minus the real clock, to simulate a client whose clock drifted. */
  skewMs = 0;
  /** Request weight used this minute, reported in X-MBX-USED-WEIGHT-1M. */
  usedWeight = 0;
  dualSidePosition = false;
  multiAssetsMargin = false;
  private server: Server | undefined;
  private minute = 0;
  private readonly hanging: ServerResponse[] = [];

  constructor(readonly apiKey = 'loopback-key-0123456789', readonly apiSecret = 'loopback-secret-abcdefghijklmnopqrstuvwxyz') {
    this.engine = new PaperVenue({ id: 'fapi-loopback', instruments: this.instruments, clock: new SystemClock(), startingBalanceUsd: 10_000, makerBps: 2, takerBps: 5, spreadBps: 2, impactBpsPer10kUsd: 0 });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Moves the engine's market for the venue contract suite: a tight book around a price, or a given book. */
  marketDriver() {
    return {
      setPrice: async (symbol: string, price: number) => this.engine.setBook(symbol, [[price - 0.1, 50]], [[price + 0.1, 50]]),
      setBook: async (symbol: string, bids: [number, number][], asks: [number, number][]) => this.engine.setBook(symbol, bids, asks),
    };
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  /** Requests that would change state on the venue. */
  writes(): SeenRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = url.search.slice(1);
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const params: Record<string, string> = Object.fromEntries(new URLSearchParams(body.length > 0 ? `${raw}&${body}` : raw));
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const signed = 'signature' in params;
    const record = (status: number) => this.requests.push({ method, path, params, signed, status });

    const now = Date.now() + this.skewMs;
    if (Math.floor(now / 60_000) !== this.minute) {
      this.minute = Math.floor(now / 60_000);
      this.usedWeight = 0;
    }
    this.usedWeight += path.includes('positionRisk') || path.includes('balance') ? 5 : 1;
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      record(status);
      res.writeHead(status, { 'Content-Type': 'application/json', 'X-MBX-USED-WEIGHT-1M': String(this.usedWeight), ...headers });
      res.end(text);
    };
    const error = (status: number, code: number, msg: string) => send(status, JSON.stringify({ code, msg }));

    const fault = this.faults.find((f) => (f.method === undefined || f.method === method) && (f.path === undefined || f.path === path) && (f.times ?? 0) > 0);
    if (fault !== undefined) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.kind === 'reply') return send(fault.status ?? 500, fault.body ?? '', fault.headers ?? {});
      if (fault.kind === 'hang') {
        record(0);
        this.hanging.push(res);
        return;
      }
    }

    if (path === '/fapi/v1/time') return send(200, JSON.stringify({ serverTime: now }));
    if (path === '/fapi/v1/exchangeInfo') return send(200, loadBundledText(bundledFiles.exchangeInfo));
    if (path === '/fapi/v1/klines') return this.klines(params, send, error);
    if (path === '/fapi/v1/fundingRate') {
      const from = Number(params['startTime'] ?? 0);
      const to = Number(params['endTime'] ?? Number.MAX_SAFE_INTEGER);
      const limit = Math.min(1000, Number(params['limit'] ?? 100));
      const rows = params['symbol'] === 'BTCUSDT' ? this.funding.filter((f) => f.fundingTimeMs >= from && f.fundingTimeMs <= to).slice(0, limit) : [];
      return send(200, JSON.stringify(rows.map((f) => ({ symbol: f.symbol, fundingTime: f.fundingTimeMs, fundingRate: f.rate.toFixed(8), markPrice: '' }))));
    }
    if (path === '/fapi/v1/ticker/bookTicker' || path === '/fapi/v1/depth' || path === '/fapi/v1/premiumIndex') {
      const symbol = params['symbol'] ?? '';
      const book = this.engine.bookOf(symbol);
      if (book === undefined) return error(400, -1121, 'Invalid symbol.');
      const inst = this.instruments.get(symbol);
      const px = (x: number) => inst?.formatPrice(x) ?? String(x);
      const qty = (x: number) => inst?.formatQty(x) ?? String(x);
      const [bid, ask] = [book.bids[0] ?? [0, 0], book.asks[0] ?? [0, 0]];
      if (path === '/fapi/v1/ticker/bookTicker')
        return send(200, JSON.stringify({ symbol, bidPrice: px(bid[0]), bidQty: qty(bid[1]), askPrice: px(ask[0]), askQty: qty(ask[1]), time: now, lastUpdateId: 1 }));
      if (path === '/fapi/v1/depth') {
        const limit = Number(params['limit'] ?? 500);
        return send(200, `{"lastUpdateId":35263532345678901234,"E":${now},"T":${now},"bids":${JSON.stringify(book.bids.slice(0, limit).map(([p, q]) => [px(p), qty(q)]))},"asks":${JSON.stringify(book.asks.slice(0, limit).map(([p, q]) => [px(p), qty(q)]))}}`);
      }
      const mark = (bid[0] + ask[0]) / 2;
      const last = [...this.funding].reverse().find((f) => f.symbol === symbol);
      return send(200, JSON.stringify({ symbol, markPrice: mark.toFixed(8), indexPrice: mark.toFixed(8), estimatedSettlePrice: mark.toFixed(8), lastFundingRate: (last?.rate ?? 0).toFixed(8), interestRate: '0.00010000', nextFundingTime: Math.ceil(now / 28_800_000) * 28_800_000, time: now }));
    }

    // signed endpoints
    if (req.headers['x-mbx-apikey'] !== this.apiKey) return error(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    // Binance signs totalParams = query string + request body (concatenated as is), less the signature
    const unsigned = (part: string) => part.replace(/(^|&)signature=[0-9a-fA-F]*$/, '');
    const payload = unsigned(raw) + unsigned(body);
    const expected = createHmac('sha256', this.apiSecret).update(payload).digest('hex');
    const given = Buffer.from(params['signature'] ?? '', 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) return error(400, -1022, 'Signature for this request is not valid.');
    const ts = Number(params['timestamp']);
    const recvWindow = Number(params['recvWindow'] ?? 5000);
    if (!Number.isFinite(ts) || ts > now + 1000 || now - ts > recvWindow) return error(400, -1021, 'Timestamp for this request is outside of the recvWindow.');

    const reply = (status: number, text: string) => {
      if (fault?.kind === 'drop') {
        record(-1);
        res.destroy();
        return;
      }
      send(status, text);
    };
    const orderReply = (o: Order) => (o.reject !== null ? error(400, o.reject.code, o.reject.message) : reply(200, this.orderJson(o)));

    if (path === '/fapi/v1/order' && method === 'POST') {
      const type = params['type'] ?? '';
      if (CONDITIONAL.includes(type)) return error(400, -4120, 'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.');
      const spec = ORDER_PARAMS[type];
      if (spec === undefined) return error(400, -1116, 'Invalid orderType.');
      for (const key of Object.keys(params)) {
        if (key === 'signature' || ALWAYS.includes(key) || spec.allowed.includes(key)) continue;
        const known = Object.values(ORDER_PARAMS).some((s) => s.allowed.includes(key));
        return known ? error(400, -1106, `Parameter '${key}' sent when not required.`) : error(400, -1104, `Not all sent parameters were read; read '${Object.keys(params).length - 1}' parameter(s) but was sent '${Object.keys(params).length}'.`);
      }
      for (const key of spec.mandatory) if (!params[key]) return error(400, -1102, `Mandatory parameter '${key}' was not sent, was empty/null, or malformed.`);
      if (params['positionSide'] !== undefined && !this.dualSidePosition && params['positionSide'] !== 'BOTH') return error(400, -4061, "Order's position side does not match user's setting.");
      const cmd: SubmitOrder = {
        clientOrderId: params['newClientOrderId'] ?? `srv-${this.requests.length}`,
        symbol: params['symbol'] ?? '',
        side: params['side'] === 'SELL' ? 'sell' : 'buy',
        type: TYPE_FROM[type as keyof typeof TYPE_FROM],
        qty: Number(params['quantity']),
        ...(params['price'] === undefined ? {} : { price: Number(params['price']) }),
        ...(params['stopPrice'] === undefined ? {} : { stopPrice: Number(params['stopPrice']) }),
        ...(params['timeInForce'] === undefined ? {} : { timeInForce: params['timeInForce'] as 'GTC' }),
        reduceOnly: params['reduceOnly'] === 'true',
      };
      return orderReply(await this.engine.createOrder(cmd));
    }
    if (path === '/fapi/v1/algoOrder' && method === 'POST') {
      for (const key of Object.keys(params)) {
        if (key === 'signature' || ALGO_PARAMS.allowed.includes(key)) continue;
        return error(400, -1106, `Parameter '${key}' sent when not required.`);
      }
      for (const key of ALGO_PARAMS.mandatory) if (!params[key]) return error(400, -1102, `Mandatory parameter '${key.toLowerCase()}' was not sent, was empty/null, or malformed.`);
      if (params['algoType'] !== 'CONDITIONAL') return error(400, -1116, 'Invalid algoType.');
      const type = params['type'] ?? '';
      if (type !== 'STOP_MARKET' && type !== 'TAKE_PROFIT_MARKET') return error(400, -1116, 'Invalid orderType.');
      const o = await this.engine.createOrder({
        clientOrderId: params['clientAlgoId'] ?? `srv-algo-${this.requests.length}`,
        symbol: params['symbol'] ?? '',
        side: params['side'] === 'SELL' ? 'sell' : 'buy',
        type: TYPE_FROM[type],
        qty: Number(params['quantity']),
        stopPrice: Number(params['triggerPrice']),
        reduceOnly: params['reduceOnly'] === 'true',
      });
      return o.reject !== null ? error(400, o.reject.code, o.reject.message) : reply(200, this.algoJson(o));
    }
    if (path === '/fapi/v1/algoOrder' && (method === 'GET' || method === 'DELETE')) {
      const id = params['clientAlgoId'] ?? '';
      const known = [...(await this.engine.fetchOpenOrders()), ...this.algoHistory.values()].find((o) => o.clientOrderId === id && CONDITIONAL.includes(this.binanceType(o)));
      const current = known === undefined ? undefined : await this.engine.fetchOrder(known.symbol, id);
      if (current === undefined) return error(400, method === 'GET' ? -2013 : -2011, method === 'GET' ? 'Order does not exist.' : 'Unknown order sent.');
      if (method === 'GET') return reply(200, this.algoJson(current));
      const c = await this.engine.cancelOrder(current.symbol, id);
      return c.reject !== null ? error(400, -2011, 'Unknown order sent.') : reply(200, this.algoJson(c));
    }
    if (path === '/fapi/v1/openAlgoOrders') {
      const open = (await this.engine.fetchOpenOrders(params['symbol'])).filter((o) => CONDITIONAL.includes(this.binanceType(o)));
      return reply(200, `[${open.map((o) => this.algoJson(o)).join(',')}]`);
    }
    if (path === '/fapi/v1/order' && method === 'DELETE') {
      const found = await this.engine.fetchOrder(params['symbol'] ?? '', params['origClientOrderId'] ?? '');
      if (found !== undefined && CONDITIONAL.includes(this.binanceType(found))) return error(400, -2011, 'Unknown order sent.');
      const o = await this.engine.cancelOrder(params['symbol'] ?? '', params['origClientOrderId'] ?? '');
      return o.reject !== null ? error(400, -2011, 'Unknown order sent.') : reply(200, this.orderJson(o));
    }
    if (path === '/fapi/v1/order' && method === 'GET') {
      const o = await this.engine.fetchOrder(params['symbol'] ?? '', params['origClientOrderId'] ?? '');
      return o === undefined || CONDITIONAL.includes(this.binanceType(o)) ? error(400, -2013, 'Order does not exist.') : reply(200, this.orderJson(o));
    }
    if (path === '/fapi/v1/openOrders') {
      const open = (await this.engine.fetchOpenOrders(params['symbol'])).filter((o) => !CONDITIONAL.includes(this.binanceType(o)));
      return reply(200, `[${open.map((o) => this.orderJson(o)).join(',')}]`);
    }
    if (path === '/fapi/v1/leverage') {
      const symbol = params['symbol'] ?? '';
      const leverage = Number(params['leverage']);
      await this.engine.setLeverage(symbol, leverage);
      return reply(200, JSON.stringify({ leverage, maxNotionalValue: String(this.instruments.get(symbol)?.maxNotionalAtLeverage(leverage) ?? 0), symbol }));
    }
    if (path === '/fapi/v1/leverageBracket') {
      const tiers = JSON.parse(loadBundledText(bundledFiles.leverageBrackets)) as Record<string, { info: Record<string, string> }[]>;
      const rows = Object.entries(tiers)
        .map(([unified, list]) => ({ symbol: unified.replace(/^([A-Z0-9]+)\/([A-Z0-9]+):.*$/, '$1$2'), brackets: list.map((t) => Object.fromEntries(Object.entries(t.info).map(([k, v]) => [k, Number(v)]))) }))
        .filter((r) => params['symbol'] === undefined || r.symbol === params['symbol']);
      return reply(200, JSON.stringify(rows));
    }
    if (path === '/fapi/v1/symbolConfig') {
      const symbols = params['symbol'] === undefined ? ['BTCUSDT'] : [params['symbol']];
      // the recorded shape (ccxt fixture `ccxt_10_fetchMarginMode`); the engine margins every position in isolation
      return reply(200, JSON.stringify(symbols.map((symbol) => ({ symbol, marginType: 'ISOLATED', isAutoAddMargin: false, leverage: String(this.engine.leverageFor(symbol)), maxNotionalValue: String(this.instruments.get(symbol)?.maxNotionalAtLeverage(this.engine.leverageFor(symbol)) ?? 0) }))));
    }
    if (path === '/fapi/v1/positionSide/dual') return reply(200, JSON.stringify({ dualSidePosition: this.dualSidePosition }));
    if (path === '/fapi/v1/multiAssetsMargin') return reply(200, JSON.stringify({ multiAssetsMargin: this.multiAssetsMargin }));
    if (path === '/fapi/v3/positionRisk') return reply(200, JSON.stringify(await this.positionRows()));
    if (path === '/fapi/v3/balance') {
      const b = await this.engine.fetchBalance();
      const f8 = (x: number) => x.toFixed(8);
      return reply(200, JSON.stringify([{ accountAlias: 'FzFzmYTiFzmYTisR', asset: 'USDT', balance: f8(b.walletBalance), crossWalletBalance: f8(b.walletBalance), crossUnPnl: f8(b.unrealizedPnl), availableBalance: f8(b.availableBalance), maxWithdrawAmount: f8(b.availableBalance), marginAvailable: true, updateTime: now }]));
    }
    return error(404, -1000, `loopback fapi does not serve ${method} ${path}`);
  }

  private readonly algoHistory = new Map<string, Order>();
  private readonly funding = loadBundledFunding();

  /** `GET /fapi/v1/klines` from the bundled history (4h and 1d built from 1h), Binance's row layout. */
  private klines(params: Record<string, string>, send: (status: number, text: string) => void, error: (status: number, code: number, msg: string) => void): void {
    const symbol = params['symbol'] ?? '';
    const interval = params['interval'] ?? '';
    if (!hasBundledCandles(symbol)) return error(400, -1121, 'Invalid symbol.');
    if (!['1h', '4h', '1d'].includes(interval)) return error(400, -1120, 'Invalid interval.');
    const series = new CandleStore('/nonexistent').load(symbol, interval as '1h').series;
    const step = timeframeMs[interval as '1h'];
    const from = Number(params['startTime'] ?? 0);
    const to = Number(params['endTime'] ?? Number.MAX_SAFE_INTEGER);
    const limit = Math.min(1500, Number(params['limit'] ?? 500));
    const rows: string[] = [];
    for (let i = 0; i < series.length && rows.length < limit; i++) {
      const t = series.openTimeMs[i] ?? 0;
      if (t < from || t > to) continue;
      // the bundled set has OHLCV only: quote volume and trade counts are sent as zero
      rows.push(JSON.stringify([t, String(series.open[i]), String(series.high[i]), String(series.low[i]), String(series.close[i]), String(series.volume[i]), t + step - 1, '0', 0, '0', '0', '0']));
    }
    send(200, `[${rows.join(',')}]`);
  }

  private binanceType(o: Order): string {
    return Object.entries(TYPE_FROM).find(([, v]) => v === o.type)?.[0] ?? 'LIMIT';
  }

  /** A conditional order as the Algo service writes it (shape of the documented examples). */
  private algoJson(o: Order): string {
    this.algoHistory.set(o.clientOrderId, o);
    const inst = this.instruments.get(o.symbol);
    const px = (x: number | null) => (inst === undefined ? String(x ?? 0) : inst.formatPrice(x ?? 0));
    const qty = (x: number) => (inst === undefined ? String(x) : inst.formatQty(x));
    const text = JSON.stringify({
      algoId: '@ID@', clientAlgoId: o.clientOrderId, algoType: 'CONDITIONAL', orderType: this.binanceType(o), symbol: o.symbol, side: o.side.toUpperCase(),
      positionSide: 'BOTH', timeInForce: 'GTC', quantity: qty(o.qty), algoStatus: ALGO_STATUS_TO[o.status], actualOrderId: '', actualPrice: (o.avgFillPrice ?? 0).toFixed(5),
      actualQty: qty(o.filledQty), actualType: 'MARKET', triggerPrice: px(o.stopPrice), price: '0.00', icebergQuantity: null, selfTradePreventionMode: 'EXPIRE_MAKER',
      workingType: 'MARK_PRICE', priceMatch: 'NONE', closePosition: false, priceProtect: true, reduceOnly: o.reduceOnly, createTime: o.createdMs, updateTime: o.updatedMs,
      triggerTime: 0, goodTillDate: 0,
    });
    return text.replace('"@ID@"', o.venueOrderId);
  }

  /** An order as Binance writes it; the order id is a raw integer, possibly above 2^53. */
  private orderJson(o: Order): string {
    const inst = this.instruments.get(o.symbol);
    const px = (x: number | null) => (inst === undefined ? String(x ?? 0) : inst.formatPrice(x ?? 0));
    const qty = (x: number) => (inst === undefined ? String(x) : inst.formatQty(x));
    const type = this.binanceType(o);
    const text = JSON.stringify({
      orderId: '@ID@', symbol: o.symbol, status: STATUS_TO[o.status], clientOrderId: o.clientOrderId, price: px(o.price), avgPrice: (o.avgFillPrice ?? 0).toFixed(5),
      origQty: qty(o.qty), executedQty: qty(o.filledQty), cumQty: qty(o.filledQty), cumQuote: ((o.avgFillPrice ?? 0) * o.filledQty).toFixed(5), timeInForce: o.timeInForce ?? 'GTC',
      type, reduceOnly: o.reduceOnly, closePosition: false, side: o.side.toUpperCase(), positionSide: 'BOTH', stopPrice: px(o.stopPrice), workingType: 'CONTRACT_PRICE',
      priceProtect: false, origType: type, priceMatch: 'NONE', selfTradePreventionMode: 'EXPIRE_MAKER', goodTillDate: 0, time: o.createdMs, updateTime: o.updatedMs,
    });
    return text.replace('"@ID@"', o.venueOrderId);
  }

  private async positionRows(): Promise<unknown[]> {
    return (await this.engine.fetchPositions()).map((p) => ({
      symbol: p.symbol, positionSide: 'BOTH', positionAmt: String(p.qty), entryPrice: String(p.entryPrice), breakEvenPrice: String(p.entryPrice), markPrice: p.markPrice.toFixed(8),
      unRealizedProfit: p.unrealizedPnlUsd.toFixed(8), liquidationPrice: (p.liquidationPrice ?? 0).toFixed(8), isolatedMargin: p.marginUsd.toFixed(8),
      notional: (p.qty * p.markPrice).toFixed(8), marginAsset: 'USDT', isolatedWallet: p.marginUsd.toFixed(8), initialMargin: p.marginUsd.toFixed(8), maintMargin: '0',
      positionInitialMargin: p.marginUsd.toFixed(8), openOrderInitialMargin: '0', adl: '1', bidNotional: '0', askNotional: '0', updateTime: Date.now(),
    }));
  }
}

/**
 * Sets the server's clock to `atMs` of the bundled history (plus what elapses from now on) and gives each
 * symbol a deep one-tick book at its close then: an executor deciding on the venue's clock sees those bars
 * closing "now" and can trade them.
 */
export function serveHistoryAt(server: FapiServer, atMs: number, symbols: readonly string[]): void {
  server.skewMs = atMs - Date.now();
  const store = new CandleStore('/nonexistent');
  for (const symbol of symbols) {
    if (!hasBundledCandles(symbol)) continue;
    const s = store.load(symbol, '1h').series;
    let i = s.length - 1;
    while (i > 0 && (s.openTimeMs[i] ?? 0) + timeframeMs['1h'] > atMs) i--;
    const close = s.close[i] ?? 0;
    const tick = server.instruments.get(symbol)?.spec.filters.tickSize ?? 0.01;
    server.engine.setBook(symbol, [[close - tick, 1e6]], [[close + tick, 1e6]]);
  }
}

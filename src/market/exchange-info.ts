import { z } from 'zod';
import { DataError } from '../core/errors.js';
import type { InstrumentFilters, InstrumentSpec, LeverageBracket } from '../domain/instrument.js';

const num = z.union([z.string(), z.number()]).transform(Number).pipe(z.number().finite());

const FilterSchema = z.looseObject({ filterType: z.string() });
const SymbolSchema = z.looseObject({
  symbol: z.string(),
  status: z.string(),
  contractType: z.string(),
  baseAsset: z.string(),
  quoteAsset: z.string(),
  marginAsset: z.string(),
  filters: z.array(FilterSchema),
});
const RateLimitSchema = z.looseObject({
  rateLimitType: z.string(),
  interval: z.string(),
  intervalNum: z.number(),
  limit: z.number(),
});
const ExchangeInfoSchema = z.looseObject({
  serverTime: z.number(),
  rateLimits: z.array(RateLimitSchema),
  symbols: z.array(SymbolSchema),
});

/** A venue rate limit, e.g. ORDERS 300 per 10 SECOND. */
export type RateLimit = z.infer<typeof RateLimitSchema>;

/** The parts of `GET /fapi/v1/exchangeInfo` hedge uses. */
export interface ExchangeInfo {
  readonly serverTimeMs: number;
  readonly rateLimits: readonly RateLimit[];
  readonly symbols: ReadonlyMap<string, Omit<InstrumentSpec, 'brackets'>>;
}

/** Parses exchangeInfo JSON into instrument specs (filters as numbers, grid sizes kept as text). */
export function parseExchangeInfo(json: unknown, file: string): ExchangeInfo {
  const parsed = ExchangeInfoSchema.safeParse(json);
  if (!parsed.success) throw new DataError(file, `not an exchangeInfo document: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const symbols = new Map<string, Omit<InstrumentSpec, 'brackets'>>();
  for (const s of parsed.data.symbols) {
    const f = new Map(s.filters.map((x) => [x.filterType, x as Record<string, unknown>]));
    const get = (type: string, key: string, fallback: number): number => {
      const raw = f.get(type)?.[key];
      if (raw === undefined) return fallback;
      const r = num.safeParse(raw);
      if (!r.success) throw new DataError(file, `${s.symbol} ${type}.${key} is not a number: ${JSON.stringify(raw)}`);
      return r.data;
    };
    const filters: InstrumentFilters = {
      tickSize: get('PRICE_FILTER', 'tickSize', 0),
      minPrice: get('PRICE_FILTER', 'minPrice', 0),
      maxPrice: get('PRICE_FILTER', 'maxPrice', Number.POSITIVE_INFINITY),
      stepSize: get('LOT_SIZE', 'stepSize', 0),
      minQty: get('LOT_SIZE', 'minQty', 0),
      maxQty: get('LOT_SIZE', 'maxQty', Number.POSITIVE_INFINITY),
      marketStepSize: get('MARKET_LOT_SIZE', 'stepSize', get('LOT_SIZE', 'stepSize', 0)),
      marketMinQty: get('MARKET_LOT_SIZE', 'minQty', get('LOT_SIZE', 'minQty', 0)),
      marketMaxQty: get('MARKET_LOT_SIZE', 'maxQty', get('LOT_SIZE', 'maxQty', Number.POSITIVE_INFINITY)),
      minNotional: get('MIN_NOTIONAL', 'notional', 0),
      percentPriceUp: get('PERCENT_PRICE', 'multiplierUp', Number.POSITIVE_INFINITY),
      percentPriceDown: get('PERCENT_PRICE', 'multiplierDown', 0),
      maxNumOrders: get('MAX_NUM_ORDERS', 'limit', Number.POSITIVE_INFINITY),
      maxNumAlgoOrders: get('MAX_NUM_ALGO_ORDERS', 'limit', Number.POSITIVE_INFINITY),
    };
    symbols.set(s.symbol, {
      symbol: s.symbol,
      status: s.status,
      contractType: s.contractType,
      baseAsset: s.baseAsset,
      quoteAsset: s.quoteAsset,
      marginAsset: s.marginAsset,
      filters,
      tickSizeText: String(f.get('PRICE_FILTER')?.['tickSize'] ?? '0'),
      stepSizeText: String(f.get('LOT_SIZE')?.['stepSize'] ?? '0'),
    });
  }
  return { serverTimeMs: parsed.data.serverTime, rateLimits: parsed.data.rateLimits, symbols };
}

const RawBracketSchema = z.looseObject({
  bracket: num,
  initialLeverage: num,
  notionalCap: num,
  notionalFloor: num,
  maintMarginRatio: num,
  cum: num,
});

/**
 * Parses leverage brackets, either Binance's raw `/fapi/v1/leverageBracket` answer
 * (`[{ symbol, brackets: [...] }]`) or ccxt's leverage tiers keyed by unified symbol with the raw
 * bracket under `info` (the bundled freqtrade file). Keys are venue symbols (`BTCUSDT`).
 */
export function parseLeverageBrackets(json: unknown, file: string): Map<string, LeverageBracket[]> {
  const out = new Map<string, LeverageBracket[]>();
  const toBrackets = (raw: unknown[], where: string): LeverageBracket[] =>
    raw.map((b, i) => {
      const r = RawBracketSchema.safeParse(b);
      if (!r.success) throw new DataError(file, `${where}[${i}] is not a leverage bracket: ${r.error.issues[0]?.message ?? ''}`);
      return r.data;
    });
  if (Array.isArray(json)) {
    for (const entry of json as { symbol?: unknown; brackets?: unknown }[])
      if (typeof entry.symbol === 'string' && Array.isArray(entry.brackets)) out.set(entry.symbol, toBrackets(entry.brackets, entry.symbol));
    return out;
  }
  if (json === null || typeof json !== 'object') throw new DataError(file, 'expected leverage brackets (an array or an object of tiers)');
  for (const [unified, tiers] of Object.entries(json as Record<string, unknown>)) {
    const m = /^([A-Z0-9]+)\/([A-Z0-9]+):([A-Z0-9]+)$/.exec(unified);
    if (m === null || !Array.isArray(tiers)) continue;
    out.set(`${m[1]}${m[2]}`, toBrackets(tiers.map((t: { info?: unknown }) => t.info), unified));
  }
  return out;
}

import type { BookTop, Depth, MarkPrice } from '../domain/book.js';
import type { Candle } from '../domain/candle.js';
import type { FundingRate } from '../domain/funding.js';
import type { Timeframe } from '../domain/timeframe.js';

/** Public market data a live venue serves (no keys needed). Each call is one or more remote reads. */
export interface MarketData {
  /** Closed bars whose open time is in [fromMs, toMs], oldest first, paginated as the venue requires. */
  fetchCandles(symbol: string, timeframe: Timeframe, fromMs: number, toMs: number): Promise<Candle[]>;
  /** Funding events in [fromMs, toMs], oldest first. */
  fetchFundingHistory(symbol: string, fromMs: number, toMs: number): Promise<FundingRate[]>;
  fetchBookTop(symbol: string): Promise<BookTop>;
  fetchDepth(symbol: string, limit: number): Promise<Depth>;
  fetchMarkPrice(symbol: string): Promise<MarkPrice>;
}

/** A price level: [price, quantity]. */
export type Level = readonly [number, number];

/** Best bid and ask. */
export interface BookTop {
  readonly symbol: string;
  readonly bidPrice: number;
  readonly bidQty: number;
  readonly askPrice: number;
  readonly askQty: number;
  readonly tsMs: number;
}

/** An L2 snapshot, best levels first. */
export interface Depth {
  readonly symbol: string;
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
  /** The venue's sequence number of the snapshot (text: it can exceed 2^53). */
  readonly lastUpdateId: string;
  readonly tsMs: number;
}

/** Mark and index price with the funding state of a perpetual. */
export interface MarkPrice {
  readonly symbol: string;
  readonly markPrice: number;
  readonly indexPrice: number;
  readonly lastFundingRate: number;
  readonly nextFundingTimeMs: number;
  readonly tsMs: number;
}

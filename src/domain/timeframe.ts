/** Bar timeframes the product trades and stores. 4h and 1d bars are built from 1h bars. */
export const Timeframes = ['1m', '1h', '4h', '1d'] as const;
export type Timeframe = (typeof Timeframes)[number];

/** Length of one bar of each timeframe, in milliseconds. */
export const timeframeMs: Readonly<Record<Timeframe, number>> = {
  '1m': 60_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
};

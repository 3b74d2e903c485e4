/** One funding event of a perpetual: longs pay shorts `rate × notional` when positive. */
export interface FundingRate {
  readonly symbol: string;
  /** Funding time, UTC epoch ms, as the venue reports it (it may carry a few ms of jitter). */
  readonly fundingTimeMs: number;
  readonly rate: number;
  /** Hours between funding events, when the source says so. */
  readonly intervalHours?: number;
}

import { systemClock } from '../core/clock.js';
import { UsageError } from '../core/errors.js';
import type { Environment } from '../config/env.js';
import type { ConfigSet } from '../config/files.js';
import { downloadHistory, type DownloadReport, type DownloadRequest } from '../market/download.js';
import { loadBundledInstruments } from '../market/instrument-provider.js';
import { BinanceVenue } from '../venues/binance/binance-venue.js';

/** Options of `hedge data fetch`. */
export interface FetchHistoryOptions extends DownloadRequest {
  readonly stateDir: string;
  readonly env: Environment;
  /** REST base URL instead of the configured endpoint (a mirror, or a loopback server in tests). */
  readonly baseUrl?: string | undefined;
}

/**
 * Downloads klines and funding through the Binance USD-M venue configured in venues.json (public
 * endpoints, no keys) into the state dir's candle cache. In ENV=dev and prod it reads the prod
 * endpoint, in testnet the testnet one.
 */
export async function fetchHistory(config: ConfigSet, o: FetchHistoryOptions): Promise<DownloadReport[]> {
  const venue = Object.values(config.venues.venues).find((v) => v.type === 'binance-usdm');
  if (venue?.type !== 'binance-usdm' && o.baseUrl === undefined) throw new UsageError('no binance-usdm venue in venues.json to download from (or pass --base-url)');
  const baseUrl = o.baseUrl ?? (venue?.type === 'binance-usdm' ? venue.endpoints[o.env === 'testnet' ? 'testnet' : 'prod'].rest : '');
  const source = new BinanceVenue({ baseUrl, apiKey: '', apiSecret: '', recvWindowMs: 5_000, instruments: loadBundledInstruments(), clock: systemClock, maxAttempts: 4 });
  return downloadHistory(source, o.stateDir, o);
}

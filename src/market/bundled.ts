import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { DataError } from '../core/errors.js';
import { bundledDataDir } from '../core/paths.js';

/** Relative paths (without `.br`) of the bundled data files. */
export const bundledFiles = {
  klines1h: (symbol: string) => `klines/BINANCE_${symbol}_1h.csv`,
  funding: ['funding/BINANCE_BTCUSDT_funding_2024-2025.csv', 'funding/BINANCE_BTCUSDT_funding_2025-2026.csv'],
  exchangeInfo: 'api/exchangeInfo/fapi_v1_exchangeInfo_mainnet_2024-10-02.json',
  leverageBrackets: 'api/leverageBracket/freqtrade_binance_leverage_tiers.json',
} as const;

/** Symbols of the bundled aligned 1h set. */
export const bundledSymbols = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT', 'DOGEUSDT', 'LINKUSDT', 'LTCUSDT', 'DOTUSDT', 'FILUSDT'] as const;

/** Reads a bundled file and returns its original bytes (the files are stored brotli-compressed). */
export function loadBundledBytes(relPath: string, dir: string = bundledDataDir): Buffer {
  const file = path.join(dir, `${relPath}.br`);
  let packed: Buffer;
  try {
    packed = readFileSync(file);
  } catch (err) {
    throw new DataError(file, `bundled data file is missing (${(err as NodeJS.ErrnoException).code ?? 'read error'})`);
  }
  try {
    return brotliDecompressSync(packed);
  } catch {
    throw new DataError(file, 'bundled data file is not valid brotli');
  }
}

/** Reads a bundled text file. */
export function loadBundledText(relPath: string, dir?: string): string {
  return loadBundledBytes(relPath, dir).toString('utf8');
}

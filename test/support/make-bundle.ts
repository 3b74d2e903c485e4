/**
 * Builds `cache/bundled/` from the shared data set (`../shared/data`): brotli-compressed copies of the
 * source files, byte-for-byte, with their provenance. Run once by a maintainer:
 *   npx tsx test/support/make-bundle.ts ../shared/data
 * The loader checks each decompressed file against the SHA-256 recorded here (test/market).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { sha256Hex } from '../../src/core/canonical-json.js';
import { bundledDataDir } from '../../src/core/paths.js';

const SYMBOLS = ['BTC', 'ETH', 'BNB', 'SOL', 'XRP', 'ADA', 'DOGE', 'LINK', 'LTC', 'DOT', 'FIL'].map((s) => `${s}USDT`);
const FILES = [
  ...SYMBOLS.map((s) => `klines/BINANCE_${s}_1h.csv`),
  'funding/BINANCE_BTCUSDT_funding_2024-2025.csv',
  'funding/BINANCE_BTCUSDT_funding_2025-2026.csv',
  'api/exchangeInfo/fapi_v1_exchangeInfo_mainnet_2024-10-02.json',
  'api/leverageBracket/freqtrade_binance_leverage_tiers.json',
];

const sharedDir = path.resolve(process.argv[2] ?? '../shared/data');
const manifest = JSON.parse(readFileSync(path.join(sharedDir, 'MANIFEST.json'), 'utf8')) as { files: Record<string, unknown> };
const entries: Record<string, unknown> = {};
for (const rel of FILES) {
  const bytes = readFileSync(path.join(sharedDir, rel));
  const packed = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
  const out = path.join(bundledDataDir, `${rel}.br`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, packed);
  entries[`${rel}.br`] = {
    original: rel,
    bytes: bytes.length,
    sha256: sha256Hex(bytes),
    compressed_bytes: packed.length,
    compression: 'brotli q11 lgwin24; decompresses to the original bytes',
    provenance: manifest.files[rel] ?? null,
  };
  console.log(`${rel}: ${bytes.length} -> ${packed.length} bytes`);
}
writeFileSync(
  path.join(bundledDataDir, 'MANIFEST.json'),
  `${JSON.stringify({ generated_from: 'shared/data (see README.md there)', files: entries }, null, 2)}\n`,
);

import { Instrument, type InstrumentSpec } from '../domain/instrument.js';
import { DataError } from '../core/errors.js';
import { bundledFiles, loadBundledText } from './bundled.js';
import { parseExchangeInfo, parseLeverageBrackets, type RateLimit } from './exchange-info.js';

/** Instruments of a venue, by symbol, with the venue's rate limits. */
export interface InstrumentCatalog {
  /** Where the data came from, for messages. */
  readonly source: string;
  readonly serverTimeMs: number;
  readonly rateLimits: readonly RateLimit[];
  get(symbol: string): Instrument | undefined;
  symbols(): string[];
}

/** Builds a catalog from exchangeInfo and leverage-bracket JSON documents. */
export function buildInstrumentCatalog(exchangeInfo: unknown, brackets: unknown, source: string): InstrumentCatalog {
  const info = parseExchangeInfo(exchangeInfo, source);
  const bracketMap = parseLeverageBrackets(brackets, source);
  const instruments = new Map<string, Instrument>();
  for (const [symbol, s] of info.symbols) {
    // one literal, not a spread of the parsed spec and the brackets: V8 gave spread copies of the same
    // specs more than one shape, and the paper venue's per-bar code reading `spec.brackets` was thrown
    // away and compiled again (a sweep worker's first points and its 47th)
    const spec: InstrumentSpec = {
      symbol: s.symbol, baseAsset: s.baseAsset, quoteAsset: s.quoteAsset, marginAsset: s.marginAsset, contractType: s.contractType, status: s.status,
      filters: s.filters, tickSizeText: s.tickSizeText, stepSizeText: s.stepSizeText, brackets: bracketMap.get(symbol) ?? [],
    };
    instruments.set(symbol, new Instrument(spec));
  }
  return {
    source,
    serverTimeMs: info.serverTimeMs,
    rateLimits: info.rateLimits,
    get: (symbol) => instruments.get(symbol),
    symbols: () => [...instruments.keys()],
  };
}

let bundled: InstrumentCatalog | undefined;

/** The catalog from the bundled mainnet exchangeInfo (2024-10-02) and leverage brackets. Cached. */
export function loadBundledInstruments(): InstrumentCatalog {
  if (bundled !== undefined) return bundled;
  const parse = (rel: string): unknown => {
    try {
      return JSON.parse(loadBundledText(rel)) as unknown;
    } catch (err) {
      if (err instanceof DataError) throw err;
      throw new DataError(rel, 'bundled file is not valid JSON');
    }
  };
  bundled = buildInstrumentCatalog(
    parse(bundledFiles.exchangeInfo),
    parse(bundledFiles.leverageBrackets),
    `bundled ${bundledFiles.exchangeInfo}`,
  );
  return bundled;
}

/**
 * Parses a Binance JSON body keeping order ids exact. Binance USD-M order ids exceed 2^53
 * (e.g. 8389766058155948588), which `JSON.parse` silently rounds; every integer value of an
 * `orderId`, `algoId` or `lastUpdateId` member with 16 or more digits is turned into a string before parsing.
 */
export function parseBinanceJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/("(?:orderId|algoId|lastUpdateId)"\s*:\s*)(-?\d{16,})/g, '$1"$2"')) as unknown;
  } catch {
    // a proxy's HTML error page or an empty body: keep the text, the status code tells the story
    return text;
  }
}

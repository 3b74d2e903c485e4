import type { OrderReject } from '../../domain/order.js';
import { AuthError, ClockSkewError, RateLimitError, VenueError, VenueUnavailableError } from '../errors.js';

/** A request the venue refused for a reason that retrying cannot fix (and that is not an order reject). */
export class BadRequestError extends VenueError {
  readonly code = 'EXCHANGE_BAD_REQUEST';
  readonly retryable = false;
  constructor(venue: string, readonly binanceCode: number | undefined, message: string) {
    super(venue, `${binanceCode ?? 'HTTP error'} ${message}`);
  }
}

/** What went wrong with a call, classed by what the caller must do. */
export type MappedError = { kind: 'reject'; reject: OrderReject } | { kind: 'error'; error: VenueError };

/** What the SDK rethrows with `parseExceptions: false`: the HTTP client's error. */
interface HttpError {
  code?: unknown;
  message?: unknown;
  response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
}

/**
 * Maps what the `binance` SDK throws to typed errors. Only the Binance code and message are kept: the
 * SDK's error carries the signed URL and request options, which never reach a log.
 */
export function mapBinanceError(venue: string, e: unknown): MappedError {
  const err = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as HttpError;
  const body = (typeof err.response?.data === 'object' ? err.response.data : undefined) as { code?: unknown; msg?: unknown } | undefined;
  const code = typeof body?.code === 'number' ? body.code : undefined;
  const msg = typeof body?.msg === 'string' ? body.msg : typeof err.message === 'string' ? err.message : 'request failed';
  const headers = err.response?.headers ?? {};
  const httpStatus = err.response?.status;

  if (httpStatus === 418 || httpStatus === 429 || code === -1003) {
    const retryAfterS = Number(headers['retry-after'] ?? headers['Retry-After']);
    const banned = httpStatus === 418 || /banned/i.test(msg);
    return { kind: 'error', error: new RateLimitError(venue, Number.isFinite(retryAfterS) ? retryAfterS * 1000 : banned ? 120_000 : 60_000, banned) };
  }
  if (code === -1021) return { kind: 'error', error: new ClockSkewError(venue, `${code} ${msg}`) };
  if (code === -2014 || code === -2015 || code === -1022) return { kind: 'error', error: new AuthError(venue, `${code} ${msg}`) };
  if (code === undefined || (httpStatus !== undefined && httpStatus >= 500)) {
    const what = httpStatus !== undefined ? `HTTP ${httpStatus}` : typeof err.code === 'string' ? err.code : 'no response';
    return { kind: 'error', error: new VenueUnavailableError(venue, `${what}: the outcome is unknown`) };
  }
  return { kind: 'reject', reject: { code, message: msg } };
}

import { ExitCode, HedgeError } from '../core/errors.js';
import type { OrderReject } from '../domain/order.js';

/** A venue could not be reached or refused the request for a reason other than the order itself. */
export abstract class VenueError extends HedgeError {
  readonly exitCode = ExitCode.Runtime;
  constructor(readonly venue: string, message: string, options?: { cause?: unknown }) {
    super(`${venue}: ${message}`, options);
  }
}

/** 429 / 418 or -1003: back off until `retryAfterMs` has passed. */
export class RateLimitError extends VenueError {
  readonly code = 'EXCHANGE_RATE_LIMIT';
  readonly retryable = true;
  constructor(venue: string, readonly retryAfterMs: number, readonly banned: boolean) {
    super(venue, `${banned ? 'IP banned (418)' : 'rate limited (429)'}; retry in ${retryAfterMs} ms`);
  }
}

/** -1021: our clock is off the venue's; resynchronise the offset and retry. */
export class ClockSkewError extends VenueError {
  readonly code = 'EXCHANGE_CLOCK_SKEW';
  readonly retryable = true;
}

/** 5xx, a timeout or a reset connection: the request's outcome is unknown; look the order up by client id before resending. */
export class VenueUnavailableError extends VenueError {
  readonly code = 'EXCHANGE_UNAVAILABLE';
  readonly retryable = true;
}

/** Bad key or signature, or a permission missing: retrying cannot help. */
export class AuthError extends VenueError {
  readonly code = 'EXCHANGE_AUTH';
  readonly retryable = false;
}

/** Binance's reject codes and messages, used by every venue so that rejects read the same everywhere. */
export const Rejects = {
  precision: { code: -1111, message: 'Precision is over the maximum defined for this asset.' },
  lotSize: { code: -1013, message: 'Filter failure: LOT_SIZE' },
  qtyNotPositive: { code: -4003, message: 'Quantity less than or equal to zero.' },
  priceFilter: { code: -1013, message: 'Filter failure: PRICE_FILTER' },
  minNotional: { code: -4164, message: "Order's notional must be no smaller than 5 (unless you choose reduce only)." },
  priceAbove: { code: -4016, message: "Limit price can't be higher than the PERCENT_PRICE bound." },
  priceBelow: { code: -4024, message: "Limit price can't be lower than the PERCENT_PRICE bound." },
  marginInsufficient: { code: -2019, message: 'Margin is insufficient.' },
  reduceOnlyRejected: { code: -2022, message: 'ReduceOnly Order is rejected.' },
  postOnlyWouldTake: { code: -5022, message: 'Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history' },
  duplicateClientId: { code: -4116, message: 'ClientOrderId is duplicated.' },
  unknownOrder: { code: -2011, message: 'Unknown order sent.' },
  invalidSymbol: { code: -1121, message: 'Invalid symbol.' },
  missingParameter: { code: -1102, message: 'Mandatory parameter was not sent, was empty/null, or malformed.' },
} as const satisfies Record<string, OrderReject>;

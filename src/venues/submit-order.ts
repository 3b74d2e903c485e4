import type { Order, OrderReject, SubmitOrder } from '../domain/order.js';
import { ClockSkewError, VenueError, VenueUnavailableError } from './errors.js';
import { rejectedOrder } from './rejected-order.js';

/** A venue's refusal travelling from an adapter's transport to its port method, where it becomes a value. */
export class RejectSignal extends VenueError {
  readonly code = 'ORDER_REJECTED';
  readonly retryable = false;
  constructor(venue: string, readonly reject: OrderReject, readonly notFound = false) {
    super(venue, `${reject.code} ${reject.message}`);
  }
}

/** What an adapter provides to `submitOrder`. */
export interface SubmitSteps {
  send(): Promise<Order>;
  /** Looks the order up by its client id. */
  lookup(): Promise<Order | undefined>;
  /** Re-measures the clock offset. */
  resync(): Promise<unknown>;
  nowMs(): number;
}

/**
 * Sends an order at most twice, never as two orders. A refusal is returned as a rejected order. On
 * `-1021` the clock is resynced and the order resent (it was refused, so it does not exist). When the
 * outcome is unknown (5xx, timeout, connection cut) the order is looked up by its client id first; only
 * if the venue does not know it is it resent, under the same id, which the venue refuses as a duplicate
 * if the first attempt landed after all; that refusal is answered with the order it found then.
 */
export async function submitOrder(cmd: SubmitOrder, steps: SubmitSteps): Promise<Order> {
  let unknownOutcome = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await steps.send();
    } catch (err) {
      if (err instanceof RejectSignal) {
        // a resend refused as a duplicate: the first attempt landed after all, and this is that order
        if (unknownOutcome && err.reject.code === -4116) {
          const found = await steps.lookup().catch(() => undefined);
          if (found !== undefined) return found;
        }
        return rejectedOrder(cmd, err.reject, steps.nowMs());
      }
      if (attempt >= 2) {
        // the last attempt's outcome is unknown too: one more look before the caller is told so
        if (err instanceof VenueUnavailableError) {
          const found = await steps.lookup().catch(() => undefined);
          if (found !== undefined) return found;
        }
        throw err;
      }
      if (err instanceof ClockSkewError) await steps.resync();
      else if (err instanceof VenueUnavailableError) {
        unknownOutcome = true;
        const found = await steps.lookup().catch(() => undefined);
        if (found !== undefined) return found;
      } else throw err;
    }
  }
}

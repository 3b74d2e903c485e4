import type { Clock } from '../core/clock.js';
import { VenueUnavailableError } from './errors.js';

/**
 * Opens after `failures` consecutive transport failures and refuses calls for `cooldownMs`; the first
 * call after that is let through (half-open) and closes it again on success.
 */
export class CircuitBreaker {
  private consecutive = 0;
  private openUntilMs = 0;
  constructor(private readonly venue: string, private readonly clock: Clock, private readonly failures = 5, private readonly cooldownMs = 30_000) {}

  /** Throws while open. */
  check(): void {
    if (this.clock.nowMs() < this.openUntilMs)
      throw new VenueUnavailableError(this.venue, `circuit open after ${this.consecutive} consecutive failures; retry after ${this.openUntilMs - this.clock.nowMs()} ms`);
  }
  onSuccess(): void {
    this.consecutive = 0;
    this.openUntilMs = 0;
  }
  onFailure(): void {
    this.consecutive++;
    if (this.consecutive >= this.failures) this.openUntilMs = this.clock.nowMs() + this.cooldownMs;
  }
  get isOpen(): boolean {
    return this.clock.nowMs() < this.openUntilMs;
  }
}

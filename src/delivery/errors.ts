/**
 * Delivery failures every platform adapter reports the same way, so job code can decide by type:
 * wait (rate limited), give up (permanent), or retry.
 */

/** The platform asked us to slow down; try again after `retryAfterMs`. */
export class RateLimitedError extends Error {
  override readonly name: string = "RateLimitedError";
  constructor(
    readonly platform: string,
    readonly method: string,
    readonly retryAfterMs: number,
  ) {
    super(`${platform} rate-limited ${method}; retry after ${retryAfterMs} ms.`);
  }
}

/** The platform refused or failed a delivery. `permanent` failures fail the same way on retry. */
export class DeliveryError extends Error {
  override readonly name: string = "DeliveryError";
  constructor(
    readonly platform: string,
    readonly method: string,
    readonly code: string,
    readonly permanent: boolean,
  ) {
    super(`${platform} ${method} failed: ${code}`);
  }
}

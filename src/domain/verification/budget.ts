import { FetchRefusedError } from "./safe-fetch.ts";
import type { Fetcher } from "./types.ts";

/** What one verification may fetch in all: requests, bytes and time. */
export interface FetchBudget {
  maxRequests: number;
  maxBytes: number;
  maxMs: number;
}

export const DEFAULT_BUDGET: FetchBudget = {
  maxRequests: 40,
  maxBytes: 5_000_000,
  maxMs: 20_000,
};

/** The verification has used up its budget (or was told to stop); nothing more is fetched. */
export class BudgetExceededError extends FetchRefusedError {
  override name = "BudgetExceededError";
  constructor(
    message: string,
    /** True when time ran out, which says nothing about the badge itself. */
    readonly timedOut = false,
  ) {
    super(message);
  }
}

/**
 * A fetcher that counts every request and byte of one verification against its budget and
 * hands the one AbortSignal to each request, so stopping really stops what is in flight.
 */
export function budgetedFetch(
  inner: Fetcher,
  budget: FetchBudget,
  signal: AbortSignal,
): { fetch: Fetcher; exceeded: () => BudgetExceededError | null } {
  let requests = 0;
  let bytes = 0;
  let over: BudgetExceededError | null = null;
  const exceed = (message: string) => {
    over ??= new BudgetExceededError(message);
    return over;
  };
  const stopped = () =>
    signal.reason instanceof BudgetExceededError
      ? signal.reason
      : new BudgetExceededError("The check was stopped.", true);
  const fetch: Fetcher = async (url, options) => {
    if (signal.aborted) throw stopped();
    if (over) throw over;
    requests++;
    if (requests > budget.maxRequests) {
      throw exceed(`Checking this badge needs more than ${budget.maxRequests} downloads.`);
    }
    const res = await inner(url, { ...options, signal });
    if (signal.aborted) throw stopped();
    bytes += res.body.byteLength;
    if (bytes > budget.maxBytes) {
      throw exceed(
        `Checking this badge needs more than ${Math.round(budget.maxBytes / 1_000_000)} MB of downloads.`,
      );
    }
    return res;
  };
  return { fetch, exceeded: () => over };
}

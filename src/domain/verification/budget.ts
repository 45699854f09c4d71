import { REASON_CODES, reasonOf } from "./reasons.ts";
import { FetchRefusedError } from "./safe-fetch.ts";
import type { Fetcher, Reason, ReasonValues } from "./types.ts";

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
  /** What the owner is told. */
  readonly reason: Reason;
  constructor(
    detail: string,
    /** True when time ran out, which says nothing about the badge itself. */
    readonly timedOut = false,
    values: ReasonValues = {},
  ) {
    const code = timedOut ? REASON_CODES.fetchFailed : REASON_CODES.budgetExceeded;
    const reason = reasonOf(code, "error", { detail, values });
    super(reason.message);
    this.reason = reason;
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
  const exceed = (detail: string, values: ReasonValues) => {
    over ??= new BudgetExceededError(detail, false, values);
    return over;
  };
  const stopped = () =>
    signal.reason instanceof BudgetExceededError
      ? signal.reason
      : new BudgetExceededError("stopped", true);
  const fetch: Fetcher = async (url, options) => {
    if (signal.aborted) throw stopped();
    if (over) throw over;
    requests++;
    if (requests > budget.maxRequests) {
      throw exceed("downloads", { count: budget.maxRequests });
    }
    const res = await inner(url, { ...options, signal });
    if (signal.aborted) throw stopped();
    bytes += res.body.byteLength;
    if (bytes > budget.maxBytes) {
      throw exceed("megabytes", { count: Math.round(budget.maxBytes / 1_000_000) });
    }
    return res;
  };
  return { fetch, exceeded: () => over };
}

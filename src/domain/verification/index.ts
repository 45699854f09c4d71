import { metrics } from "../../metrics.ts";
import { BudgetExceededError, budgetedFetch, DEFAULT_BUDGET } from "./budget.ts";
import { classifyBytes, classifyText, type Payload } from "./extract.ts";
import { bytesToText, errorMessage } from "./fetch-json.ts";
import { isObject, type JsonObject } from "./json.ts";
import { REASON_CODES as C, Reasons, verdictOf } from "./reasons.ts";
import { createSafeFetch, FetchRefusedError } from "./safe-fetch.ts";
import { assessTrust, type KnownIssuer, TrustEvidence } from "./trust.ts";
import type {
  CredentialKind,
  Fetcher,
  VerificationResult,
  VerifyInput,
  VerifyOptions,
} from "./types.ts";

export { BudgetExceededError, DEFAULT_BUDGET, type FetchBudget } from "./budget.ts";
export { createMappedFetch, type UrlMapping } from "./mapped-fetch.ts";
export { REASON_CODES, verdictOf } from "./reasons.ts";
export { createSafeFetch, isForbiddenAddress, type SafeFetchOptions } from "./safe-fetch.ts";
export { displayStatus, linkedInAddToProfileUrl } from "./showcase.ts";
export {
  assessTrust,
  CREDLY_DOMAIN,
  issuerDomainOf,
  type KnownIssuer,
  TRUST_CODES,
  type TrustCode,
  withinDomain,
} from "./trust.ts";
export type * from "./types.ts";

const CREDLY_PAGE =
  /^https?:\/\/(?:www\.)?credly\.com\/(?:badges|earner\/earned\/badge)\/([0-9a-fA-F-]{36})(?:[/?#].*)?$/;

/** A Credly badge page URL mapped to its Open Badges 2.0 assertion endpoint, else null. */
export function credlyAssertionUrl(url: string): string | null {
  const id = CREDLY_PAGE.exec(url.trim())?.[1];
  return id ? `https://api.credly.com/v1/obi/v2/badge_assertions/${id.toLowerCase()}` : null;
}

type Checkers = typeof import("./ob2.ts") &
  typeof import("./ob3.ts") &
  typeof import("./vc-jwt.ts");
let checkers: Promise<Checkers> | undefined;

/**
 * The checkers, with their JSON-LD, schema and proof libraries, load at the first badge check: a
 * service that checks none need not hold them.
 */
function loadCheckers(): Promise<Checkers> {
  checkers ??= Promise.all([import("./ob2.ts"), import("./ob3.ts"), import("./vc-jwt.ts")]).then(
    ([ob2, ob3, jwt]) => ({ ...ob2, ...ob3, ...jwt }),
  );
  return checkers;
}

interface State {
  reasons: Reasons;
  fetcher: Fetcher;
  now: Date;
  expectedEmails: readonly string[];
  credlyBadges: readonly string[];
  trust: TrustEvidence;
  knownIssuers: readonly KnownIssuer[];
}

/** A result before its trust is assessed. */
type Checked = Omit<VerificationResult, "trust">;

function emptyResult(kind: CredentialKind, raw: unknown, reasons: Reasons): Checked {
  return {
    verdict: verdictOf(reasons.list),
    reasons: reasons.list,
    kind,
    issuer: null,
    name: null,
    issuedOn: null,
    expires: null,
    recipientMatch: "not_checkable",
    evidenceUrl: null,
    credentialUrl: null,
    raw,
  };
}

/**
 * Verifies an Open Badges 2.0 or 3.0 credential given as a URL, JSON (text or object), a compact
 * JWS / VC-JWT, or a baked PNG / SVG badge. Never throws for bad input; the verdict says why.
 */
export async function verifyCredential(
  input: VerifyInput,
  options: VerifyOptions = {},
): Promise<VerificationResult> {
  const budget = { ...DEFAULT_BUDGET, ...options.budget };
  // one signal for the whole check: the budget's clock, or the caller's own stop
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new BudgetExceededError("too_long", true)),
    budget.maxMs,
  );
  const onStop = () =>
    controller.abort(
      options.signal?.reason instanceof BudgetExceededError
        ? options.signal.reason
        : new BudgetExceededError("too_long", true),
    );
  if (options.signal?.aborted) onStop();
  options.signal?.addEventListener("abort", onStop, { once: true });
  const fetcher = budgetedFetch(options.fetch ?? createSafeFetch(), budget, controller.signal);
  const state: State = {
    reasons: new Reasons(),
    fetcher: fetcher.fetch,
    now: options.now ?? new Date(),
    expectedEmails: (options.expectedEmails ?? []).filter((e) => e.trim().length > 0),
    credlyBadges: (options.credlyBadges ?? []).map((id) => id.toLowerCase()),
    trust: new TrustEvidence(),
    knownIssuers: options.knownIssuers ?? [],
  };
  const raw = typeof input === "string" || isObject(input) ? input : null;
  let result: Checked;
  try {
    result = await Promise.race([run(input, state), stopped(controller.signal)]);
    const over = fetcher.exceeded();
    if (over) {
      state.reasons.list.push(over.reason);
      result = { ...result, verdict: verdictOf(state.reasons.list), reasons: state.reasons.list };
    }
  } catch (err) {
    if (err instanceof BudgetExceededError) {
      // the abandoned work may still add reasons to the shared list: answer from a fresh one
      const reasons = new Reasons();
      reasons.list.push(err.reason);
      result = emptyResult("unknown", raw, reasons);
    } else {
      state.reasons.error(C.inputUnreadable, {
        detail: "failed",
        values: { error: errorMessage(err) },
      });
      result = emptyResult("unknown", raw, state.reasons);
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onStop);
    // whatever is still in flight stops here
    controller.abort(new BudgetExceededError("over", true));
  }
  metrics.verification(result.verdict);
  return { ...result, trust: assessTrust(result, state.trust, state.knownIssuers) };
}

function stopped(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () =>
      reject(
        signal.reason instanceof BudgetExceededError
          ? signal.reason
          : new BudgetExceededError("stopped", true),
      );
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}

async function run(input: VerifyInput, state: State): Promise<Checked> {
  const { reasons } = state;
  let payload: Payload;
  let fetchedFrom: string | null = null;
  let pageUrl: string | null = null;
  if (typeof input === "string") payload = classifyText(input);
  else if (input instanceof Uint8Array) payload = classifyBytes(input);
  else payload = { type: "json", value: input };

  // a URL (typed, or baked into an image) is fetched once; what it returns is classified again
  if (payload.type === "url") {
    pageUrl = payload.value;
    const credly = credlyAssertionUrl(payload.value);
    const url = credly ?? payload.value;
    if (credly) reasons.info(C.credlyResolved, { detail: "page", values: { url: credly } });
    const fetched = await fetchInput(url, state);
    if (!fetched) return emptyResult("unknown", pageUrl, reasons);
    fetchedFrom = fetched.finalUrl;
    payload = fetched.payload;
    if (payload.type === "url") {
      reasons.error(C.inputUnsupported, { detail: "redirect" });
      return emptyResult("unknown", pageUrl, reasons);
    }
  }

  switch (payload.type) {
    case "none":
      reasons.error(C.inputUnsupported, { detail: payload.detail });
      return emptyResult("unknown", pageUrl, reasons);
    case "html":
      reasons.warn(C.linkOnly, { detail: "web_page" });
      return { ...emptyResult("link_only", pageUrl, reasons), credentialUrl: pageUrl };
    case "json":
      return verifyJson(payload.value, state, fetchedFrom);
    case "jws":
      return verifyJws(payload.value, state, fetchedFrom);
  }
}

async function fetchInput(
  url: string,
  state: State,
): Promise<{ payload: Payload; finalUrl: string } | null> {
  const { reasons } = state;
  try {
    const res = await state.fetcher(url, {
      accept: "application/ld+json, application/json;q=0.9, text/html;q=0.5, */*;q=0.1",
    });
    // a redirect to another origin is where the badge really came from
    const finalUrl = res.finalUrl || url;
    if (res.status === 410) {
      reasons.error(C.hostedRevoked, { detail: "gone" });
      return null;
    }
    if (res.status < 200 || res.status >= 300) {
      reasons.error(C.fetchFailed, { detail: "http", values: { status: String(res.status) } });
      return null;
    }
    const type = res.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
    if (type === "text/html") {
      const text = bytesToText(res.body);
      const p = classifyText(text);
      return { payload: p.type === "json" || p.type === "jws" ? p : { type: "html" }, finalUrl };
    }
    return { payload: classifyBytes(res.body), finalUrl };
  } catch (err) {
    if (err instanceof FetchRefusedError) {
      reasons.error(C.fetchRefused, { detail: "refused", values: { error: err.message } });
    } else {
      reasons.error(C.fetchFailed, { detail: "unreachable", values: { error: errorMessage(err) } });
    }
    return null;
  }
}

async function verifyJson(
  doc: JsonObject,
  state: State,
  fetchedFrom: string | null,
): Promise<Checked> {
  const { looksLikeOb2, looksLikeVc, verifyOb2, verifyOb3 } = await loadCheckers();
  if (looksLikeVc(doc)) {
    const outcome = await verifyOb3(doc, { ...state, jwtSecured: false });
    return {
      ...outcome,
      verdict: verdictOf(state.reasons.list),
      reasons: state.reasons.list,
      kind: "ob3",
      raw: doc,
    };
  }
  if (looksLikeOb2(doc)) {
    const outcome = await verifyOb2(doc, { ...state, fetchedFrom, jws: null });
    return {
      ...outcome,
      verdict: verdictOf(state.reasons.list),
      reasons: state.reasons.list,
      kind: "ob2",
      raw: doc,
    };
  }
  state.reasons.error(C.inputUnsupported, { detail: "json" });
  return emptyResult("unknown", doc, state.reasons);
}

async function verifyJws(jws: string, state: State, fetchedFrom: string | null): Promise<Checked> {
  const { decodeVcJwt, looksLikeVc, verifyOb2, verifyOb3, verifyVcJwt } = await loadCheckers();
  const decoded = decodeVcJwt(jws);
  if (!decoded) {
    state.reasons.error(C.inputUnreadable, { detail: "jws" });
    return emptyResult("unknown", jws, state.reasons);
  }
  if (isObject(decoded.payload.vc) || looksLikeVc(decoded.credential)) {
    await verifyVcJwt(jws, decoded, state.fetcher, state.now, state.reasons, state.trust);
    const outcome = await verifyOb3(decoded.credential, { ...state, jwtSecured: true });
    return {
      ...outcome,
      verdict: verdictOf(state.reasons.list),
      reasons: state.reasons.list,
      kind: "ob3",
      raw: jws,
    };
  }
  const outcome = await verifyOb2(decoded.credential, { ...state, fetchedFrom, jws });
  return {
    ...outcome,
    verdict: verdictOf(state.reasons.list),
    reasons: state.reasons.list,
    kind: "ob2",
    raw: jws,
  };
}

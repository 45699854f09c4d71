import { readFile } from "node:fs/promises";
import { SEEDED_ISSUERS } from "../../src/domain/catalog/issuer-domains.ts";
import {
  type GoalCredential,
  matchesCredential,
} from "../../src/domain/verification/completion.ts";
import {
  createMappedFetch,
  type UrlMapping,
  type VerifyOptions,
  verifyCredential,
} from "../../src/domain/verification/index.ts";

export const VERIFY_USAGE =
  "usage: stackup verify <url|file> [--email ADDRESS]... [--credential TITLE] [--map URL_PREFIX=PATH]... [--now ISO_TIME]";

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** The catalog credential of that title, with its provider's issuer domains. */
  findCredential?: (title: string) => Promise<GoalCredential | null>;
}

interface Parsed {
  target: string;
  emails: string[];
  credential: string | undefined;
  maps: UrlMapping[];
  now: Date | undefined;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Parsed {
  const emails: string[] = [];
  const maps: UrlMapping[] = [];
  const positionals: string[] = [];
  let now: Date | undefined;
  let credential: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const [name, inline] =
      arg.startsWith("--") && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case "--email":
        emails.push(value());
        break;
      case "--credential":
        credential = value();
        break;
      case "--map": {
        const spec = value();
        const sep = spec.indexOf("=");
        if (sep <= 0 || sep === spec.length - 1) {
          throw new UsageError(`--map expects URL_PREFIX=PATH, got "${spec}"`);
        }
        const prefix = spec.slice(0, sep);
        if (!/^https?:\/\//i.test(prefix))
          throw new UsageError(`--map prefix must be an http(s) URL`);
        maps.push({ prefix, path: spec.slice(sep + 1) });
        break;
      }
      case "--now": {
        const raw = value();
        const d = new Date(raw);
        if (Number.isNaN(d.getTime())) throw new UsageError(`--now is not a valid time: ${raw}`);
        now = d;
        break;
      }
      default:
        if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${arg}`);
        positionals.push(arg);
    }
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? "missing <url|file>" : "give exactly one <url|file>",
    );
  }
  return { target: positionals[0] ?? "", emails, credential, maps, now };
}

/** `stackup verify`: prints one JSON object; exit 0 valid or warning, 1 invalid, 2 usage error. */
export async function verifyCommand(argv: string[], io: Io): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`stackup verify: ${err.message}\n${VERIFY_USAGE}\n`);
    return 2;
  }

  let input: string | Uint8Array;
  if (/^https?:\/\//i.test(parsed.target)) {
    input = parsed.target;
  } else {
    try {
      input = new Uint8Array(await readFile(parsed.target));
    } catch {
      io.stderr(`stackup verify: cannot read file ${parsed.target}\n${VERIFY_USAGE}\n`);
      return 2;
    }
  }

  let goal: GoalCredential | null = null;
  if (parsed.credential !== undefined) {
    goal = (await io.findCredential?.(parsed.credential)) ?? null;
    if (!goal) {
      io.stderr(`stackup verify: the catalog has no credential titled "${parsed.credential}"\n`);
      return 2;
    }
  }
  const options: VerifyOptions = { expectedEmails: parsed.emails, knownIssuers: SEEDED_ISSUERS };
  if (parsed.now) options.now = parsed.now;
  // any --map means offline: URLs outside the maps are unreachable, never fetched
  if (parsed.maps.length > 0) options.fetch = createMappedFetch(parsed.maps);

  const result = await verifyCredential(input, options);
  const out = {
    verdict: result.verdict,
    reasons: result.reasons.map((r) => ({ code: r.code, message: r.message })),
    issuer: result.issuer,
    name: result.name,
    issuedOn: result.issuedOn,
    expires: result.expires,
    recipientMatch: result.recipientMatch,
    trusted: result.trust.trusted,
    issuerDomain: result.trust.issuerDomain,
    trustReasons: result.trust.reasons.map((r) => ({ code: r.code, message: r.message })),
    matchesCredential: goal ? matchesCredential(result, goal) : null,
  };
  io.stdout(`${JSON.stringify(out)}\n`);
  return result.verdict === "invalid" ? 1 : 0;
}

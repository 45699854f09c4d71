/** Where Credly lives; tests and the playground point this at a pretend Credly. */
export interface CredlyHosts {
  /** Public profiles (`<web>/users/<username>/badges.json`) and badge pages (`<web>/badges/<id>`). */
  web: string;
}

export const CREDLY: CredlyHosts = { web: "https://www.credly.com" };

/** At most this many pages of 48 badges are read from one profile. */
export const MAX_PAGES = 5;

/** One badge as the public profile lists it. */
export interface CredlyBadge {
  id: string;
  name: string;
  templateId: string | null;
  issuer: string | null;
  issuedTo: string | null;
  issuedOn: string | null;
  expiresOn: string | null;
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/**
 * The username in a profile URL (`https://www.credly.com/users/jane-doe`, with or without
 * `/badges`) or given bare; null when it is neither.
 */
export function parseProfile(input: string, hosts: CredlyHosts = CREDLY): string | null {
  const text = input.trim().replace(/^<|>$/g, "");
  if (USERNAME.test(text)) return text;
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return null;
  }
  const host = url.hostname.toLowerCase();
  const allowed = new Set(["credly.com", "www.credly.com", new URL(hosts.web).hostname]);
  if (!allowed.has(host)) return null;
  const match = /^\/users\/([^/]+)(\/badges(\.json)?)?\/?$/.exec(url.pathname);
  const name = match?.[1] ? decodeURIComponent(match[1]) : null;
  return name && USERNAME.test(name) ? name : null;
}

export const profileUrl = (username: string, hosts: CredlyHosts = CREDLY) =>
  `${hosts.web}/users/${encodeURIComponent(username)}`;

export const badgesUrl = (username: string, page: number, hosts: CredlyHosts = CREDLY) =>
  `${profileUrl(username, hosts)}/badges.json${page > 1 ? `?page=${page}` : ""}`;

/** The badge's public page: the evidence, which the verifier checks like an uploaded badge. */
export const badgePageUrl = (badgeId: string, hosts: CredlyHosts = CREDLY) =>
  `${hosts.web}/badges/${encodeURIComponent(badgeId)}`;

const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);
const obj = (v: unknown) =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The badges of one page of badges.json, and how many pages there are; bad entries are skipped. */
export function readBadgesPage(json: unknown): { badges: CredlyBadge[]; pages: number } {
  const body = obj(json);
  const data = Array.isArray(body.data) ? body.data : [];
  const badges: CredlyBadge[] = [];
  for (const item of data) {
    const b = obj(item);
    const template = obj(b.badge_template);
    const id = str(b.id);
    const name = str(template.name);
    const state = str(b.state);
    // Only badges the earner accepted are public; anything else is not theirs to claim yet.
    if (!id || !name || (state !== null && state !== "accepted")) continue;
    const entities = Array.isArray(obj(b.issuer).entities)
      ? (obj(b.issuer).entities as unknown[])
      : [];
    const issuer = entities.map((e) => str(obj(obj(e).entity).name)).find(Boolean) ?? null;
    const first = str(b.issued_to_first_name);
    const last = str(b.issued_to_last_name);
    badges.push({
      id,
      name: name.slice(0, 200),
      templateId: str(template.id),
      issuer,
      issuedTo: str(b.issued_to) ?? ([first, last].filter(Boolean).join(" ") || null),
      issuedOn: str(b.issued_at_date),
      expiresOn: str(b.expires_at_date),
    });
  }
  const pages = Number(obj(body.metadata).total_pages);
  return { badges, pages: Number.isInteger(pages) && pages > 0 ? pages : 1 };
}

const normal = (name: string) =>
  name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/**
 * True when the name on the badges is the person's: the same words, or the person's first and
 * last word both present (a middle name on one side only).
 */
export function sameName(onBadge: string, person: string): boolean {
  const a = normal(onBadge);
  const b = normal(person);
  if (!a || !b) return false;
  if (a === b) return true;
  const words = new Set(a.split(" "));
  const parts = b.split(" ");
  return parts.length >= 2 && words.has(parts[0]!) && words.has(parts.at(-1)!);
}

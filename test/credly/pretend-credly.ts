import { createHash } from "node:crypto";
import { type LoopbackServer, serveOnLoopback } from "../support/loopback.ts";

export interface PretendBadge {
  id: string;
  name: string;
  templateId: string;
  issuedTo: string;
  /** The e-mail the Open Badges assertion is issued to. */
  email: string;
  state?: string;
  /** When the badge expires (ISO 8601), on the profile and in its assertion. */
  expires?: string;
}

/**
 * A pretend Credly on 127.0.0.1: public profiles as badges.json pages, and each badge's page
 * answering with its hosted Open Badges 2.0 assertion (as Credly's assertion endpoint does).
 */
export async function startPretendCredly() {
  const profiles = new Map<string, PretendBadge[]>();
  const requests: string[] = [];
  let base = "";
  const server: LoopbackServer = await serveOnLoopback((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    requests.push(req.url ?? "/");
    const json = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const profile = /^\/users\/([^/]+)\/badges\.json$/.exec(path);
    if (profile) {
      const badges = profiles.get(decodeURIComponent(profile[1]!));
      if (!badges) return res.writeHead(404).end();
      return json({
        data: badges.map((b) => ({
          id: b.id,
          state: b.state ?? "accepted",
          issued_at_date: "2026-11-30",
          expires_at_date: b.expires?.slice(0, 10) ?? null,
          issued_to: b.issuedTo,
          badge_template: { id: b.templateId, name: b.name },
          issuer: { entities: [{ entity: { name: "Example Learning Co." } }] },
        })),
        metadata: { total_pages: 1, current_page: 1 },
      });
    }
    const all = [...profiles.values()].flat();
    const page = /^\/badges\/([^/]+)$/.exec(path);
    const badge = page && all.find((b) => b.id === page[1]);
    if (badge) {
      const salt = "credly-salt";
      const digest = createHash("sha256")
        .update(badge.email + salt)
        .digest("hex");
      return json({
        "@context": "https://w3id.org/openbadges/v2",
        type: "Assertion",
        id: `${base}/badges/${badge.id}`,
        recipient: { type: "email", hashed: true, salt, identity: `sha256$${digest}` },
        issuedOn: "2026-11-30T10:00:00Z",
        ...(badge.expires ? { expires: badge.expires } : {}),
        badge: `${base}/templates/${badge.id}.json`,
        verification: { type: "hosted" },
      });
    }
    const template = /^\/templates\/([^/]+)\.json$/.exec(path);
    const of = template && all.find((b) => b.id === template[1]);
    if (of) {
      return json({
        "@context": "https://w3id.org/openbadges/v2",
        type: "BadgeClass",
        id: `${base}/templates/${of.id}.json`,
        name: of.name,
        description: `${of.name}, as Credly lists it.`,
        image: `${base}/badge.png`,
        criteria: { narrative: "Pass the exam." },
        issuer: `${base}/issuer.json`,
      });
    }
    if (path === "/issuer.json") {
      return json({
        "@context": "https://w3id.org/openbadges/v2",
        type: "Issuer",
        id: `${base}/issuer.json`,
        name: "Example Learning Co.",
        url: `${base}/`,
        email: "badges@example.test",
      });
    }
    res.writeHead(404).end();
  });
  base = server.base;
  return { base, profiles, requests, close: () => server.close() };
}

import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { Kysely } from "kysely";
import type { Database } from "../src/db/types.ts";
import type { CredlyHosts } from "../src/domain/credly/profile.ts";
import { type IssuedCredential, XapiCredentials } from "../src/domain/xapi/credentials.ts";
import type { Clock } from "../src/time/clock.ts";
import { PLAYGROUND_PEOPLE } from "./people.ts";
import { TEAM_ID } from "./slack/standin.ts";

/** The pretend Credly profile, and the person whose name it carries. */
export const PRETEND_PROFILE = "ada-lovelace";
const PROFILE_OWNER = PLAYGROUND_PEOPLE[0]!;
/** Activity ids of the pretend LMS: one prefix per catalog credential. */
const LMS = "https://lms.playground.example/credentials";
const LMS_NAME = "Playground LMS";

/** Badges on the pretend profile: one a catalog credential, one nothing in the catalog. */
const BADGES = [
  { id: "pg-gpm", name: "Google Project Management Certificate", template: "pg-tmpl-gpm" },
  { id: "pg-knit", name: "Narwhal Knitting Fundamentals", template: "pg-tmpl-knit" },
];

const VERBS = ["progressed", "experienced", "completed", "passed"] as const;

type Json = Record<string, unknown>;

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

/**
 * Learning that reports itself, with nothing to set up: a pretend Credly profile to connect
 * (badges.json, badge pages answering with hosted Open Badges assertions), and a form that sends
 * xAPI statements to Stackup's own /xapi endpoint as a pretend LMS would.
 */
export class PlaygroundLearning {
  /** Where the Credly jobs read profiles and badge pages. */
  readonly credlyHosts: CredlyHosts;
  private issued: IssuedCredential | undefined;

  constructor(
    private readonly options: {
      serviceUrl: string;
      db: Kysely<Database>;
      clock: Clock;
      runDue: () => Promise<void>;
    },
  ) {
    this.credlyHosts = { web: `${options.serviceUrl}/playground/credly` };
  }

  /** GET /playground/credly/…: the pretend Credly. */
  serveCredly(res: ServerResponse, path: string) {
    const base = this.credlyHosts.web;
    if (path === `/users/${PRETEND_PROFILE}/badges.json`) {
      return json(res, 200, {
        data: BADGES.map((b) => ({
          id: b.id,
          state: "accepted",
          issued_at_date: this.options.clock.now().toISOString().slice(0, 10),
          expires_at_date: null,
          issued_to: PROFILE_OWNER.real_name,
          badge_template: { id: b.template, name: b.name },
          issuer: { entities: [{ entity: { name: "Playground Learning Co." } }] },
        })),
        metadata: { total_pages: 1, current_page: 1 },
      });
    }
    const page = /^\/badges\/([^/]+)$/.exec(path)?.[1];
    const badge = BADGES.find((b) => b.id === page);
    if (badge) {
      const salt = "playground";
      const digest = createHash("sha256")
        .update(PROFILE_OWNER.email + salt)
        .digest("hex");
      return json(res, 200, {
        "@context": "https://w3id.org/openbadges/v2",
        type: "Assertion",
        id: `${base}/badges/${badge.id}`,
        recipient: { type: "email", hashed: true, salt, identity: `sha256$${digest}` },
        issuedOn: this.options.clock.now().toISOString(),
        badge: `${base}/templates/${badge.id}.json`,
        verification: { type: "hosted" },
      });
    }
    const template = /^\/templates\/([^/]+)\.json$/.exec(path)?.[1];
    const of = BADGES.find((b) => b.id === template);
    if (of) {
      return json(res, 200, {
        "@context": "https://w3id.org/openbadges/v2",
        type: "BadgeClass",
        id: `${base}/templates/${of.id}.json`,
        name: of.name,
        description: `${of.name}, as the pretend Credly lists it.`,
        image: `${base}/badge.png`,
        criteria: { narrative: "Finish the course." },
        issuer: `${base}/issuer.json`,
      });
    }
    if (path === "/issuer.json") {
      return json(res, 200, {
        "@context": "https://w3id.org/openbadges/v2",
        type: "Issuer",
        id: `${base}/issuer.json`,
        name: "Playground Learning Co.",
        url: `${base}/`,
        email: "badges@example.test",
      });
    }
    json(res, 404, { error: "not found" });
  }

  /** What the page shows: the profile to connect, and the goals a statement can be about. */
  async about(user: string): Promise<Json> {
    const goals = await this.goalsOf(user);
    return {
      credly: { profile: PRETEND_PROFILE, url: `${this.credlyHosts.web}/users/${PRETEND_PROFILE}` },
      xapi: {
        lms: LMS_NAME,
        verbs: VERBS,
        goals: goals.map((g) => ({ id: g.id, title: g.title })),
      },
    };
  }

  /**
   * Sends one statement for the person's goal over HTTP to /xapi/statements, with the pretend
   * LMS's credentials, then runs what is due so a completion's DM arrives at once.
   */
  async sendStatement(user: string, body: Json): Promise<{ status: number; body: Json }> {
    const verb = VERBS.find((v) => v === body.verb);
    const minutes = Number(body.minutes ?? 0);
    if (!verb) return { status: 400, body: { error: `Pick one of ${VERBS.join(", ")}.` } };
    if ((verb === "progressed" || verb === "experienced") && !(minutes > 0 && minutes <= 1440))
      return { status: 400, body: { error: "Give the minutes spent, 1 to 1440." } };
    const goal = (await this.goalsOf(user)).find((g) => g.id === Number(body.goal));
    if (!goal) return { status: 400, body: { error: "Pick one of your goals from the catalog." } };
    const issued = await this.credentials(goal.userId);
    const activity = await this.activityFor(goal.credentialId);
    const statement = {
      actor: {
        objectType: "Agent",
        name: goal.name,
        ...(goal.email
          ? { mbox: `mailto:${goal.email}` }
          : { account: { homePage: "https://slack.com", name: user } }),
      },
      verb: { id: `http://adlnet.gov/expapi/verbs/${verb}`, display: { "en-US": verb } },
      object: { id: activity, definition: { name: { "en-US": `${goal.title}: lesson` } } },
      ...(minutes > 0 ? { result: { duration: `PT${Math.round(minutes)}M` } } : {}),
      timestamp: this.options.clock.now().toISOString(),
    };
    const res = await fetch(`${this.options.serviceUrl}/xapi/statements`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-experience-api-version": "1.0.3",
        authorization: `Basic ${Buffer.from(`${issued.key}:${issued.secret}`).toString("base64")}`,
      },
      body: JSON.stringify(statement),
    });
    const answer: unknown = await res.json().catch(() => null);
    await this.options.runDue();
    return { status: 200, body: { sent: statement, status: res.status, answer } };
  }

  /** The person's open goals for catalog credentials. */
  private goalsOf(user: string) {
    return this.options.db
      .selectFrom("goals as g")
      .innerJoin("users as u", "u.id", "g.user_id")
      .innerJoin("workspaces as w", "w.id", "u.workspace_id")
      .where("w.platform", "=", "slack")
      .where("w.external_id", "=", TEAM_ID)
      .where("u.platform_user_id", "=", user)
      .where("g.status", "in", ["active", "paused"])
      .where("g.credential_id", "is not", null)
      .select([
        "g.id",
        "g.title",
        "g.credential_id as credentialId",
        "u.id as userId",
        "u.display_name as name",
        "u.email",
      ])
      .orderBy("g.id")
      .execute();
  }

  /** The pretend LMS's credentials, made once per run (only a hash is stored). */
  private async credentials(userId: number): Promise<IssuedCredential> {
    if (this.issued) return this.issued;
    const user = await this.options.db
      .selectFrom("users")
      .where("id", "=", userId)
      .selectAll()
      .executeTakeFirstOrThrow();
    const credentials = new XapiCredentials(this.options.db, this.options.clock);
    // A restart forgets the secret: the old credentials are revoked and new ones made.
    await credentials.revoke(user.workspace_id, LMS_NAME);
    const issued = await credentials.create(user, LMS_NAME);
    if ("error" in issued) throw new Error("The playground's LMS credentials could not be made.");
    this.issued = issued;
    return issued;
  }

  /** An activity of the credential: under its mapped prefix, mapping one when it has none. */
  private async activityFor(credentialId: number | null): Promise<string> {
    const row = await this.options.db
      .selectFrom("credentials")
      .where("id", "=", credentialId ?? 0)
      .select(["id", "xapi_activities"])
      .executeTakeFirstOrThrow();
    let pattern = row.xapi_activities?.[0];
    if (!pattern) {
      pattern = `${LMS}/${row.id}/*`;
      await this.options.db
        .updateTable("credentials")
        .set({ xapi_activities: [pattern] })
        .where("id", "=", row.id)
        .execute();
    }
    return pattern.endsWith("*") ? `${pattern.slice(0, -1)}lesson-1` : pattern;
  }
}

/** The playground's calls for learning sources: `learning` (GET-like) and `learning/xapi`. */
export async function learningCall(
  learning: PlaygroundLearning,
  route: string,
  user: string,
  body: Json,
  res: ServerResponse,
): Promise<void> {
  if (route === "learning") return json(res, 200, await learning.about(user));
  if (route === "learning/xapi") {
    const result = await learning.sendStatement(user, body);
    return json(res, result.status, result.body);
  }
  json(res, 404, { error: "unknown playground call" });
}

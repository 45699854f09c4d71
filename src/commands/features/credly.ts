import { parseProfile } from "../../domain/credly/profile.ts";
import { CredlyService } from "../../domain/credly/service.ts";
import { takeLimit } from "../../domain/privacy/limits.ts";
import { credlyText, offerBlocks } from "../../messages/credly.ts";
import { problemMessage } from "../../messages/goals.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import { rateLimitedMessage } from "../../messages/privacy.ts";
import type { Feature, FeatureDeps, Session } from "../feature.ts";
import { str } from "../feature.ts";

const CONNECT_USAGE = "connect credly <profile URL or username>";

/** A public Credly profile whose badges complete goals by themselves. */
export function credlyFeature(deps: FeatureDeps): Feature {
  const credly = new CredlyLink(deps);
  return {
    name: "credly",
    commands: [
      {
        name: "connect",
        usage: CONNECT_USAGE,
        description: "Link your public Credly profile: its badges complete your goals",
        run: (s, args) => credly.connect(s, args),
      },
      {
        name: "disconnect",
        usage: "disconnect credly",
        description: "Stop reading your Credly profile",
        listed: false,
        run: (s, args) => credly.disconnect(s, args),
      },
      {
        name: "sync",
        usage: "sync",
        description: "Read your Credly profile for new badges now",
        listed: false,
        run: (s) => credly.sync(s),
      },
    ],
    actions: {
      "credly.owner": (s, payload) => credly.owner(s, payload.yes === true),
      "credly.badge": (s, payload) => credly.badge(s, str(payload.b), str(payload.c)),
    },
  };
}

const say = (message: string, note?: string): Reply => privateReply(credlyText(message, note));
const problem = (message: string, usage: string | null) =>
  privateReply(problemMessage(message, usage));
const update = (message: string): Reply => ({ kind: "update", message: credlyText(message) });
const queued = (result: "queued" | "not_queued", then: string) =>
  result === "queued" ? then : "I can't reach my work queue right now; try again in a minute.";

class CredlyLink {
  private readonly credly: CredlyService;

  constructor(private readonly deps: FeatureDeps) {
    this.credly = new CredlyService({ db: deps.db, clock: deps.clock, jobs: deps.jobs });
  }

  /** `connect credly <profile>`: links the profile and reads it in the background. */
  async connect(s: Session, args: string): Promise<Reply> {
    const [what = "", ...rest] = args.split(/\s+/);
    if (what.toLowerCase() !== "credly")
      return problem("I can connect a Credly profile.", CONNECT_USAGE);
    const given = rest.join(" ");
    const username = parseProfile(given, this.credly.hosts);
    if (!username) {
      return problem(
        given
          ? "That isn't a Credly profile address or username."
          : "Which Credly profile? Give its address or your username.",
        CONNECT_USAGE,
      );
    }
    const result = await this.credly.connect(s.user, username);
    return say(
      queued(result, `Reading the Credly profile ${username} — I'll message you what I find.`),
      "Only public badges are read; disconnect any time.",
    );
  }

  async disconnect(s: Session, args: string): Promise<Reply> {
    if (args.trim().toLowerCase() !== "credly")
      return problem("I can disconnect a Credly profile.", "disconnect credly");
    const username = await this.credly.disconnect(s.user.id);
    return username
      ? say(`Disconnected the Credly profile ${username}. Goals it completed stay completed.`)
      : say("No Credly profile is connected.");
  }

  /** `sync`: reads the linked profile now, within the rate limit. */
  async sync(s: Session): Promise<Reply> {
    const link = await this.credly.link(s.user.id);
    if (!link) return problem("No Credly profile is connected yet.", CONNECT_USAGE);
    const limit = await takeLimit(this.deps.db, s.user.id, "sync", this.deps.clock.now());
    if (!limit.ok) return privateReply(rateLimitedMessage("sync", limit));
    const result = await this.credly.queueSync(
      s.user.id,
      `sync-${this.deps.clock.now().getTime()}`,
    );
    return say(
      queued(result, `Reading ${link.username} on Credly now — I'll message you what's new.`),
    );
  }

  /** "Is this your profile?": yes reads it, no disconnects it. */
  async owner(s: Session, yes: boolean): Promise<Reply> {
    if (!yes) {
      const username = await this.credly.disconnect(s.user.id);
      return update(username ? `Disconnected ${username}.` : "Nothing is connected.");
    }
    const username = await this.credly.confirmOwner(s.user.id);
    if (!username) return update("Nothing is connected any more.");
    const result = await this.credly.queueSync(
      s.user.id,
      `owner-${this.deps.clock.now().getTime()}`,
    );
    return update(queued(result, `Connected ${username}; reading your badges now.`));
  }

  /** A button on a badge found on the profile. */
  async badge(s: Session, badgeId: string | null, choice: string | null): Promise<Reply> {
    if (
      !badgeId ||
      (choice !== "confirm" && choice !== "reject" && choice !== "add" && choice !== "dismiss")
    )
      return { kind: "none" };
    const answer = await this.credly.answer(s.user, badgeId, choice);
    switch (answer.kind) {
      case "done":
        return update(
          `🎉 ${answer.title} is completed with your Credly badge. I'm checking the badge now.`,
        );
      case "offered":
        return { kind: "update", message: offerMessage(badgeId, answer.badge) };
      case "dismissed":
        return update("Left out of your record.");
      case "gone":
        return update("That badge is already taken care of.");
    }
  }
}

function offerMessage(id: string, name: string) {
  return {
    summary: `Add ${name} to your record?`,
    blocks: offerBlocks({
      badge: {
        id,
        name,
        issuer: null,
        templateId: null,
        issuedTo: null,
        issuedOn: null,
        expiresOn: null,
      },
    }),
  };
}

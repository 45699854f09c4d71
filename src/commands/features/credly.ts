import { parseProfile } from "../../domain/credly/profile.ts";
import { CredlyService } from "../../domain/credly/service.ts";
import { takeLimit } from "../../domain/privacy/limits.ts";
import type { MessageKey, MessageValues } from "../../i18n/index.ts";
import { credlyText, offerMessage } from "../../messages/credly.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import { rateLimitedMessage } from "../../messages/privacy.ts";
import type { Feature, FeatureDeps, Session } from "../feature.ts";
import { problemIn, str } from "../feature.ts";

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

const say = (s: Session, key: MessageKey, values: MessageValues = {}, note?: MessageKey): Reply =>
  privateReply(credlyText(s.ctx.locale, key, values, note));
const update = (s: Session, key: MessageKey, values: MessageValues = {}): Reply => ({
  kind: "update",
  message: credlyText(s.ctx.locale, key, values),
});
/** The reply once a read is queued, or that the queue is out of reach. */
const queued = (result: "queued" | "not_queued", then: MessageKey): MessageKey =>
  result === "queued" ? then : "credly.noQueue";

class CredlyLink {
  private readonly credly: CredlyService;

  constructor(private readonly deps: FeatureDeps) {
    this.credly = new CredlyService({ db: deps.db, clock: deps.clock, jobs: deps.jobs });
  }

  /** `connect credly <profile>`: links the profile and reads it in the background. */
  async connect(s: Session, args: string): Promise<Reply> {
    const [what = "", ...rest] = args.split(/\s+/);
    if (what.toLowerCase() !== "credly")
      return problemIn(s, "credly.canConnect", {}, CONNECT_USAGE);
    const given = rest.join(" ");
    const username = parseProfile(given, this.credly.hosts);
    if (!username) {
      return problemIn(s, given ? "credly.notProfile" : "credly.whichProfile", {}, CONNECT_USAGE);
    }
    const result = await this.credly.connect(s.user, username);
    return say(s, queued(result, "credly.reading"), { username }, "credly.publicOnly");
  }

  async disconnect(s: Session, args: string): Promise<Reply> {
    if (args.trim().toLowerCase() !== "credly")
      return problemIn(s, "credly.canDisconnect", {}, "disconnect credly");
    const username = await this.credly.disconnect(s.user.id);
    return username ? say(s, "credly.disconnected", { username }) : say(s, "credly.notLinked");
  }

  /** `sync`: reads the linked profile now, within the rate limit. */
  async sync(s: Session): Promise<Reply> {
    const link = await this.credly.link(s.user.id);
    if (!link) return problemIn(s, "credly.notConnectedYet", {}, CONNECT_USAGE);
    const limit = await takeLimit(this.deps.db, s.user.id, "sync", this.deps.clock.now());
    if (!limit.ok) return privateReply(rateLimitedMessage("sync", limit, s.ctx.locale));
    const result = await this.credly.queueSync(
      s.user.id,
      `sync-${this.deps.clock.now().getTime()}`,
    );
    return say(s, queued(result, "credly.readingNow"), { username: link.username });
  }

  /** "Is this your profile?": yes reads it, no disconnects it. */
  async owner(s: Session, yes: boolean): Promise<Reply> {
    if (!yes) {
      const username = await this.credly.disconnect(s.user.id);
      return username
        ? update(s, "credly.disconnectedShort", { username })
        : update(s, "credly.nothingConnected");
    }
    const username = await this.credly.confirmOwner(s.user.id);
    if (!username) return update(s, "credly.nothingConnectedAnyMore");
    const result = await this.credly.queueSync(
      s.user.id,
      `owner-${this.deps.clock.now().getTime()}`,
    );
    return update(s, queued(result, "credly.connectedReading"), { username });
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
        return update(s, "credly.doneWithBadge", { title: answer.title });
      case "offered":
        return { kind: "update", message: offerMessage(badgeId, answer.badge, s.ctx.locale) };
      case "dismissed":
        return update(s, "credly.leftOut");
      case "gone":
        return update(s, "credly.takenCareOf");
    }
  }
}

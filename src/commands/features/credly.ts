import { parseProfile } from "../../domain/credly/profile.ts";
import { CredlyService } from "../../domain/credly/service.ts";
import { takeLimit } from "../../domain/privacy/limits.ts";
import { credlyText, offerBlocks } from "../../messages/credly.ts";
import { problemMessage } from "../../messages/goals.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import { rateLimitedMessage } from "../../messages/privacy.ts";
import type { Feature, FeatureDeps } from "../feature.ts";
import { str } from "../feature.ts";

const CONNECT_USAGE = "connect credly <profile URL or username>";

/** A public Credly profile whose badges complete goals by themselves. */
export function credlyFeature(deps: FeatureDeps): Feature {
  const credly = new CredlyService({ db: deps.db, clock: deps.clock, jobs: deps.jobs });
  const say = (message: string, note?: string): Reply => privateReply(credlyText(message, note));
  const problem = (message: string, usage: string | null) =>
    privateReply(problemMessage(message, usage));
  const queued = (result: "queued" | "not_queued", then: string) =>
    result === "queued" ? then : "I can't reach my work queue right now; try again in a minute.";

  return {
    name: "credly",
    commands: [
      {
        name: "connect",
        usage: CONNECT_USAGE,
        description: "Link your public Credly profile: its badges complete your goals",
        async run(s, args) {
          const [what = "", ...rest] = args.split(/\s+/);
          if (what.toLowerCase() !== "credly")
            return problem("I can connect a Credly profile.", CONNECT_USAGE);
          const given = rest.join(" ");
          const username = parseProfile(given, credly.hosts);
          if (!username) {
            return problem(
              given
                ? "That isn't a Credly profile address or username."
                : "Which Credly profile? Give its address or your username.",
              CONNECT_USAGE,
            );
          }
          const result = await credly.connect(s.user, username);
          return say(
            queued(
              result,
              `Reading the Credly profile ${username} — I'll message you what I find.`,
            ),
            "Only public badges are read; disconnect any time.",
          );
        },
      },
      {
        name: "disconnect",
        usage: "disconnect credly",
        description: "Stop reading your Credly profile",
        listed: false,
        async run(s, args) {
          if (args.trim().toLowerCase() !== "credly")
            return problem("I can disconnect a Credly profile.", "disconnect credly");
          const username = await credly.disconnect(s.user.id);
          return username
            ? say(`Disconnected the Credly profile ${username}. Goals it completed stay completed.`)
            : say("No Credly profile is connected.");
        },
      },
      {
        name: "sync",
        usage: "sync",
        description: "Read your Credly profile for new badges now",
        listed: false,
        async run(s) {
          const link = await credly.link(s.user.id);
          if (!link) return problem("No Credly profile is connected yet.", CONNECT_USAGE);
          const limit = await takeLimit(deps.db, s.user.id, "sync", deps.clock.now());
          if (!limit.ok) return privateReply(rateLimitedMessage("sync", limit));
          const result = await credly.queueSync(s.user.id, `sync-${deps.clock.now().getTime()}`);
          return say(
            queued(result, `Reading ${link.username} on Credly now — I'll message you what's new.`),
          );
        },
      },
    ],
    actions: {
      async "credly.owner"(s, payload) {
        if (payload.yes !== true) {
          const username = await credly.disconnect(s.user.id);
          return {
            kind: "update",
            message: credlyText(username ? `Disconnected ${username}.` : "Nothing is connected."),
          };
        }
        const username = await credly.confirmOwner(s.user.id);
        if (!username)
          return { kind: "update", message: credlyText("Nothing is connected any more.") };
        const result = await credly.queueSync(s.user.id, `owner-${deps.clock.now().getTime()}`);
        return {
          kind: "update",
          message: credlyText(queued(result, `Connected ${username}; reading your badges now.`)),
        };
      },
      async "credly.badge"(s, payload) {
        const badgeId = str(payload.b);
        const choice = str(payload.c);
        if (
          !badgeId ||
          (choice !== "confirm" && choice !== "reject" && choice !== "add" && choice !== "dismiss")
        )
          return { kind: "none" };
        const answer = await credly.answer(s.user, badgeId, choice);
        switch (answer.kind) {
          case "done":
            return {
              kind: "update",
              message: credlyText(
                `🎉 ${answer.title} is completed with your Credly badge. I'm checking the badge now.`,
              ),
            };
          case "offered":
            return {
              kind: "update",
              message: {
                summary: `Add ${answer.badge} to your record?`,
                blocks: offerBlocks({
                  badge: {
                    id: badgeId,
                    name: answer.badge,
                    issuer: null,
                    templateId: null,
                    issuedTo: null,
                    issuedOn: null,
                    expiresOn: null,
                  },
                }),
              },
            };
          case "dismissed":
            return { kind: "update", message: credlyText("Left out of your record.") };
          case "gone":
            return { kind: "update", message: credlyText("That badge is already taken care of.") };
        }
      },
    },
  };
}

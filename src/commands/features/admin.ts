import { type ChannelRef, channelPlatform } from "../../domain/org/channels.ts";
import type { OrgService, Person, PersonRef } from "../../domain/org/service.ts";
import { problemMessage } from "../../messages/goals.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import { teamCreatedMessage, textMessage } from "../../messages/org.ts";
import type { FeatureCommand, FeatureDeps, Session } from "../feature.ts";
import { auditAdmin } from "./audit.ts";
import { languageAdmin } from "./language.ts";
import {
  ADMIN_USAGE,
  type AdminCommand,
  type ChannelChoice,
  describeRef,
  parseAdmin,
} from "./org-grammar.ts";
import { forgetAdmin } from "./privacy.ts";
import { xapiAdmin } from "./xapi.ts";

const WEEKDAY_NAMES = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
];

function unknownPeople(unknown: PersonRef[], ambiguous: PersonRef[], usage: string) {
  const parts: string[] = [];
  if (unknown.length)
    parts.push(`I don't know ${unknown.map(describeRef).join(", ")} in this workspace.`);
  if (ambiguous.length)
    parts.push(
      `Several people are called ${ambiguous.map(describeRef).join(", ")}; mention them with @ or use their email.`,
    );
  return privateReply(problemMessage(parts.join(" "), usage));
}

/** The channel an admin chose: "here" is the channel they typed in, if it is one. */
function chosenChannel(s: Session, choice: ChannelChoice, usage: string): ChannelRef | Reply {
  const channel = choice === "here" ? s.actor.channel : choice;
  if (!channel) {
    // Only Teams passes the channel along; on Slack the # picker names it.
    const how =
      s.actor.platform === "slack"
        ? "Pick the channel from the list as you type #."
        : "Say here in the team's channel itself; in a private chat I can't tell which channel you mean.";
    return privateReply(problemMessage(how, usage));
  }
  const platform = channelPlatform(channel.id);
  if (platform && platform !== s.actor.platform) {
    return privateReply(
      problemMessage(
        `That's a ${platform === "teams" ? "Teams" : "Slack"} channel; pick one here.`,
        usage,
      ),
    );
  }
  return channel;
}

type Command<T extends AdminCommand["type"]> = Extract<AdminCommand, { type: T }>;

const problem = (m: string, usage: string | null = null) => privateReply(problemMessage(m, usage));

/** `/learn admin …`: teams, members, managers, roles and digest schedules. Admins only. */
export function adminCommand(deps: FeatureDeps, org: OrgService): FeatureCommand {
  const admin = new Admin(deps, org);
  return {
    name: "admin",
    usage: "admin team create|team add|manager|digest|role|language …",
    description: "Set up teams, managers and weekly digests (admins).",
    listed: false,
    run: (s, args) => admin.run(s, args),
  };
}

class Admin {
  /** Subcommands with their own grammar, each handed the words after its name. */
  private readonly delegated: Map<string, (s: Session, args: string) => Promise<Reply>>;

  constructor(
    deps: FeatureDeps,
    private readonly org: OrgService,
  ) {
    this.delegated = new Map([
      ["xapi", xapiAdmin(deps)],
      ["forget", forgetAdmin(deps, org)],
      ["audit", auditAdmin(deps, org)],
      ["language", languageAdmin(deps)],
    ]);
  }

  async run(s: Session, args: string): Promise<Reply> {
    if ((await this.org.roleOf(s.user)) !== "admin") {
      return privateReply(
        textMessage("Only workspace admins can change teams and managers. Ask one of them."),
      );
    }
    const first = args.split(/\s/, 1)[0]!;
    const handle = this.delegated.get(first.toLowerCase());
    if (handle) return handle(s, args.slice(first.length));
    const cmd = parseAdmin(args);
    switch (cmd.type) {
      case "invalid":
        return problem(cmd.message, cmd.usage);
      case "team.create":
        return this.createTeam(s, cmd);
      case "team.channel":
        return this.teamChannel(s, cmd);
      case "team.add":
        return this.addMembers(s, cmd);
      case "manager":
        return this.manager(s, cmd);
      case "role":
        return this.role(s, cmd);
      case "digest":
        return this.digest(s, cmd);
    }
  }

  async createTeam(s: Session, cmd: Command<"team.create">): Promise<Reply> {
    const channel = cmd.channel && chosenChannel(s, cmd.channel, ADMIN_USAGE.create);
    if (channel && "kind" in channel) return channel;
    const team = await this.org.createTeam(s.user.workspace_id, cmd.name, channel, s.user);
    if ("error" in team) return problem(`There's already a team called ${cmd.name}.`);
    return privateReply(teamCreatedMessage(team));
  }

  async teamChannel(s: Session, cmd: Command<"team.channel">): Promise<Reply> {
    const team = await this.org.repo.team(s.user.workspace_id, cmd.team);
    if (!team) return problem(`There's no team called "${cmd.team}".`, ADMIN_USAGE.create);
    const channel = chosenChannel(s, cmd.channel, ADMIN_USAGE.channel);
    if ("kind" in channel) return channel;
    await this.org.setChannel(team, channel, s.user);
    return privateReply(
      textMessage(
        `${team.name}'s digests and shares now go to ${channel.name ? `#${channel.name}` : "that channel"}.`,
      ),
    );
  }

  async addMembers(s: Session, cmd: Command<"team.add">): Promise<Reply> {
    const ws = s.user.workspace_id;
    const team = await this.org.repo.team(ws, cmd.team);
    if (!team) return problem(`There's no team called "${cmd.team}".`, ADMIN_USAGE.create);
    const found = await this.org.resolve(ws, cmd.people, { createMentioned: true });
    if (!found.ok) return unknownPeople(found.unknown, found.ambiguous, ADMIN_USAGE.add);
    const added = await this.org.addMembers(ws, team, found.people, s.user);
    const names = found.people.map((p: Person) => p.displayName).join(", ");
    return privateReply(
      textMessage(
        `Added ${added} ${added === 1 ? "person" : "people"} to ${team.name}.`,
        added < found.people.length ? `Already in the team: some of ${names}.` : names,
      ),
    );
  }

  async manager(s: Session, cmd: Command<"manager">): Promise<Reply> {
    const ws = s.user.workspace_id;
    const refs = cmd.manager ? [cmd.person, cmd.manager] : [cmd.person];
    const found = await this.org.resolve(ws, refs, { createMentioned: true });
    if (!found.ok) return unknownPeople(found.unknown, found.ambiguous, ADMIN_USAGE.manager);
    const [person, manager] = found.people;
    if (!person || (cmd.manager && !manager))
      return problem("Name two different people.", ADMIN_USAGE.manager);
    const result = await this.org.setManager(ws, person, manager ?? null, s.user);
    if ("error" in result)
      return problem(
        `${manager?.displayName} already reports to ${person.displayName}, directly or through others, so that would make a loop.`,
      );
    return privateReply(
      textMessage(
        manager
          ? `${person.displayName} now reports to ${manager.displayName}.`
          : `${person.displayName} no longer has a manager.`,
      ),
    );
  }

  async role(s: Session, cmd: Command<"role">): Promise<Reply> {
    const ws = s.user.workspace_id;
    const found = await this.org.resolve(ws, [cmd.person], { createMentioned: true });
    if (!found.ok) return unknownPeople(found.unknown, found.ambiguous, ADMIN_USAGE.role);
    const person = found.people[0]!;
    await this.org.setRole(ws, person, cmd.role, s.user);
    return privateReply(
      textMessage(`${person.displayName} is now ${cmd.role === "admin" ? "an" : "a"} ${cmd.role}.`),
    );
  }

  async digest(s: Session, cmd: Command<"digest">): Promise<Reply> {
    const team = await this.org.repo.team(s.user.workspace_id, cmd.team);
    if (!team) return problem(`There's no team called "${cmd.team}".`, ADMIN_USAGE.digest);
    const zone = cmd.timeZone ?? team.digest_time_zone;
    await this.org.setDigest(team, { day: cmd.day, time: cmd.time, timeZone: zone }, s.user);
    const note = team.channel_id
      ? undefined
      : "This team has no channel yet, so no digest will be posted until it has one.";
    return privateReply(
      textMessage(
        `${team.name}'s digest goes out on ${WEEKDAY_NAMES[cmd.day - 1]}s at ${cmd.time} (${zone}).`,
        note,
      ),
    );
  }
}

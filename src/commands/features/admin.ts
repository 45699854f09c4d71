import { type ChannelRef, channelPlatform } from "../../domain/org/channels.ts";
import type { OrgService, Person, PersonRef } from "../../domain/org/service.ts";
import type { MessageKey, MessageValues } from "../../i18n/index.ts";
import { problemMessage, tr } from "../../messages/goals.ts";
import type { Reply } from "../../messages/model.ts";
import {
  digestScheduleMessage,
  saidMessage,
  teamCreatedMessage,
  teamLanguageMessage,
} from "../../messages/org-admin.ts";
import { type FeatureCommand, type FeatureDeps, problemIn, type Session, say } from "../feature.ts";
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

function unknownPeople(s: Session, unknown: PersonRef[], ambiguous: PersonRef[], usage: string) {
  const t = tr(s.ctx);
  const names = (refs: PersonRef[]) => t.list(refs.map((r) => describeRef(r, t)));
  const parts: string[] = [];
  if (unknown.length) parts.push(t.t("admin.unknownPeople", { people: names(unknown) }));
  if (ambiguous.length) parts.push(t.t("admin.ambiguousPeople", { people: names(ambiguous) }));
  return say(problemMessage(parts.join(t.t("text.sentenceGap")), usage, s.ctx.locale));
}

/** The channel an admin chose: "here" is the channel they typed in, if it is one. */
function chosenChannel(s: Session, choice: ChannelChoice, usage: string): ChannelRef | Reply {
  const channel = choice === "here" ? s.actor.channel : choice;
  // Only Teams passes the channel along; on Slack the # picker names it.
  if (!channel) return problemIn(s, "admin.noChannelHere", { platform: s.actor.platform }, usage);
  const platform = channelPlatform(channel.id);
  if (platform && platform !== s.actor.platform) {
    return problemIn(s, "admin.otherPlatform", { platform }, usage);
  }
  return channel;
}

type Command<T extends AdminCommand["type"]> = Extract<AdminCommand, { type: T }>;

const noTeam = (s: Session, team: string, usage: string) =>
  problemIn(s, "org.noTeam", { team }, usage);

const said = (s: Session, key: MessageKey, values: MessageValues = {}) =>
  say(saidMessage(s.ctx.locale, key, values));

/** `/learn admin …`: teams, members, managers, roles and digest schedules. Admins only. */
export function adminCommand(deps: FeatureDeps, org: OrgService): FeatureCommand {
  const admin = new Admin(deps, org);
  return {
    name: "admin",
    usage: "admin team create|team add|team language|manager|digest|role|language …",
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
      return said(s, "admin.onlyAdmins");
    }
    const first = args.split(/\s/, 1)[0]!;
    const handle = this.delegated.get(first.toLowerCase());
    if (handle) return handle(s, args.slice(first.length));
    const cmd = parseAdmin(args, tr(s.ctx));
    switch (cmd.type) {
      case "invalid":
        return say(problemMessage(cmd.message, cmd.usage, s.ctx.locale));
      case "team.create":
        return this.createTeam(s, cmd);
      case "team.channel":
        return this.teamChannel(s, cmd);
      case "team.add":
        return this.addMembers(s, cmd);
      case "team.language":
        return this.teamLanguage(s, cmd);
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
    if ("error" in team) return problemIn(s, "admin.teamExists", { team: cmd.name });
    return say(teamCreatedMessage(team, s.ctx.locale));
  }

  async teamChannel(s: Session, cmd: Command<"team.channel">): Promise<Reply> {
    const team = await this.org.repo.team(s.user.workspace_id, cmd.team);
    if (!team) return noTeam(s, cmd.team, ADMIN_USAGE.create);
    const channel = chosenChannel(s, cmd.channel, ADMIN_USAGE.channel);
    if ("kind" in channel) return channel;
    await this.org.setChannel(team, channel, s.user);
    const where = channel.name ? `#${channel.name}` : tr(s.ctx).t("admin.thatChannel");
    return said(s, "admin.channelSet", { team: team.name, where });
  }

  async teamLanguage(s: Session, cmd: Command<"team.language">): Promise<Reply> {
    const team = await this.org.repo.team(s.user.workspace_id, cmd.team);
    if (!team) return noTeam(s, cmd.team, ADMIN_USAGE.create);
    await this.org.setTeamLocale(team, cmd.locale, s.user);
    return say(teamLanguageMessage(team, cmd.locale, s.ctx.locale));
  }

  async addMembers(s: Session, cmd: Command<"team.add">): Promise<Reply> {
    const ws = s.user.workspace_id;
    const team = await this.org.repo.team(ws, cmd.team);
    if (!team) return noTeam(s, cmd.team, ADMIN_USAGE.create);
    const found = await this.org.resolve(ws, cmd.people, { createMentioned: true });
    if (!found.ok) return unknownPeople(s, found.unknown, found.ambiguous, ADMIN_USAGE.add);
    const added = await this.org.addMembers(ws, team, found.people, s.user);
    const names = tr(s.ctx).list(found.people.map((p: Person) => p.displayName));
    const some = added < found.people.length ? "yes" : "no";
    return say(
      saidMessage(
        s.ctx.locale,
        "admin.added",
        { count: added, team: team.name },
        { key: "admin.addedNote", values: { some, names } },
      ),
    );
  }

  async manager(s: Session, cmd: Command<"manager">): Promise<Reply> {
    const ws = s.user.workspace_id;
    const refs = cmd.manager ? [cmd.person, cmd.manager] : [cmd.person];
    const found = await this.org.resolve(ws, refs, { createMentioned: true });
    if (!found.ok) return unknownPeople(s, found.unknown, found.ambiguous, ADMIN_USAGE.manager);
    const [person, manager] = found.people;
    if (!person || (cmd.manager && !manager))
      return problemIn(s, "admin.twoPeople", {}, ADMIN_USAGE.manager);
    const result = await this.org.setManager(ws, person, manager ?? null, s.user);
    const names = { person: person.displayName, manager: manager?.displayName ?? "" };
    if ("error" in result) return problemIn(s, "admin.loop", names);
    return said(s, manager ? "admin.reportsTo" : "admin.noManager", names);
  }

  async role(s: Session, cmd: Command<"role">): Promise<Reply> {
    const ws = s.user.workspace_id;
    const found = await this.org.resolve(ws, [cmd.person], { createMentioned: true });
    if (!found.ok) return unknownPeople(s, found.unknown, found.ambiguous, ADMIN_USAGE.role);
    const person = found.people[0]!;
    await this.org.setRole(ws, person, cmd.role, s.user);
    return said(s, "admin.role", { person: person.displayName, role: cmd.role });
  }

  async digest(s: Session, cmd: Command<"digest">): Promise<Reply> {
    const team = await this.org.repo.team(s.user.workspace_id, cmd.team);
    if (!team) return noTeam(s, cmd.team, ADMIN_USAGE.digest);
    const digest = {
      day: cmd.day,
      time: cmd.time,
      timeZone: cmd.timeZone ?? team.digest_time_zone,
    };
    await this.org.setDigest(team, digest, s.user);
    return say(digestScheduleMessage(team, digest, s.ctx.locale));
  }
}

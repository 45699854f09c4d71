import { type ChannelRef, readChannel } from "../../domain/org/channels.ts";
import type { PersonRef } from "../../domain/org/service.ts";
import type { Period } from "../../domain/scoring/periods.ts";
import { isValidTimeZone, parseDays, parseTime, WEEKDAYS } from "../../time/schedule.ts";

export type { ChannelRef, Period, PersonRef };

/**
 * The organisation commands' grammar. Mentions arrive in the platform's escaped form (Slack:
 * `<@U123|name>`, `<#C123|name>`, `<mailto:a@b.c|a@b.c>`; Teams mentions arrive as `<@aad-id|name>`)
 * or as plain `@name` / email;
 * both become typed references here, at the edge, so nothing downstream sees markup.
 */

type Token =
  | { kind: "person"; ref: PersonRef; raw: string }
  | { kind: "channel"; ref: ChannelRef; raw: string }
  | { kind: "word"; text: string; raw: string };

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function token(raw: string): Token {
  // Slack user ids (U…/W…) and Teams AAD object ids, which the Teams adapter puts in this form.
  let m = /^<@([UW][A-Z0-9]+|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})(?:\|([^>]*))?>$/.exec(
    raw,
  );
  if (m) return { kind: "person", ref: { kind: "platform", id: m[1]!, label: m[2] || null }, raw };
  m = /^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>$/.exec(raw);
  if (m) return { kind: "channel", ref: { id: m[1]!, name: m[2] || null }, raw };
  m = /^<mailto:([^|>]+)(?:\|[^>]*)?>$/.exec(raw);
  if (m && EMAIL.test(m[1]!))
    return { kind: "person", ref: { kind: "email", email: m[1]!.toLowerCase() }, raw };
  if (EMAIL.test(raw))
    return { kind: "person", ref: { kind: "email", email: raw.toLowerCase() }, raw };
  if (/^@[^\s@<>]+$/.test(raw))
    return { kind: "person", ref: { kind: "name", name: raw.slice(1) }, raw };
  const quoted = /^"(.*)"$/s.exec(raw);
  return { kind: "word", text: quoted ? quoted[1]! : raw, raw };
}

/** Splits on spaces, keeping `<…>` mentions and "quoted words" whole. */
export function tokenize(text: string): Token[] {
  return (text.match(/<[^>]*>|"[^"]*"|\S+/g) ?? []).map(token);
}

const words = (tokens: Token[]) =>
  tokens
    .map((t) => (t.kind === "word" ? t.text : t.raw))
    .join(" ")
    .trim();

/** A channel named in a command, or `here`: the channel the command was typed in. */
export type ChannelChoice = ChannelRef | "here";

export type AdminCommand =
  | { type: "team.create"; name: string; channel: ChannelChoice | null }
  | { type: "team.channel"; team: string; channel: ChannelChoice }
  | { type: "team.add"; team: string; people: PersonRef[] }
  | { type: "manager"; person: PersonRef; manager: PersonRef | null }
  | { type: "digest"; team: string; day: number; time: string; timeZone: string | null }
  | { type: "role"; person: PersonRef; role: "member" | "manager" | "admin" }
  | { type: "invalid"; message: string; usage: string };

export const ADMIN_USAGE = {
  create: "admin team create <name> [#channel|here]",
  channel: "admin team channel <team> #channel|here",
  add: "admin team add <team> @person…",
  manager: "admin manager @person @manager",
  digest: "admin digest <team> <day> <HH:MM> [time zone]",
  role: "admin role @person member|manager|admin",
};

const invalid = (message: string, usage: string): AdminCommand => ({
  type: "invalid",
  message,
  usage,
});

const MAX_TEAM_NAME = 80;

/**
 * The channel that ends a team command: a picked channel (`<#C…|name>`), a Teams channel link, or
 * the word here. Undefined when there is none; an invalid command when one is misplaced.
 */
function channelAtEnd(
  rest: Token[],
  usage: string,
): { channel: ChannelChoice } | AdminCommand | undefined {
  const last = rest.at(-1);
  const isHere = (t: Token | undefined) => t?.kind === "word" && t.raw.toLowerCase() === "here";
  const linked = (t: Token | undefined) =>
    t?.kind === "word" && t.raw === t.text ? readChannel(t.text) : undefined;
  const channels = rest.filter((t) => t.kind === "channel" || isHere(t) || linked(t));
  if (channels.length > 1) return invalid("A team has one digest channel.", usage);
  if (channels.length === 1 && channels[0] !== last)
    return invalid("Put the channel after the team name.", usage);
  const plainHash = rest.find((t) => t.kind === "word" && t.text.startsWith("#"));
  if (plainHash)
    return invalid(
      `Pick the channel from the list as you type # so I get its id, not just "${plainHash.raw}".`,
      usage,
    );
  if (last?.kind === "channel") return { channel: last.ref };
  if (isHere(last)) return { channel: "here" };
  const link = linked(last);
  return link ? { channel: link } : undefined;
}

/** Parses what follows `/learn admin`. */
export function parseAdmin(text: string): AdminCommand {
  const tokens = tokenize(text);
  const head = tokens[0]?.kind === "word" ? tokens[0].text.toLowerCase() : "";
  const sub = tokens[1]?.kind === "word" ? tokens[1].text.toLowerCase() : "";
  if (head === "team" && sub === "create") {
    const rest = tokens.slice(2);
    const channel = channelAtEnd(rest, ADMIN_USAGE.create);
    if (channel && "type" in channel) return channel;
    if (rest.some((t) => t.kind === "person"))
      return invalid("Add people with `admin team add` once the team exists.", ADMIN_USAGE.create);
    const name = words(channel ? rest.slice(0, -1) : rest);
    if (!name) return invalid("The team needs a name.", ADMIN_USAGE.create);
    if (name.length > MAX_TEAM_NAME)
      return invalid(`Keep the team name under ${MAX_TEAM_NAME} characters.`, ADMIN_USAGE.create);
    return { type: "team.create", name, channel: channel?.channel ?? null };
  }
  if (head === "team" && sub === "channel") {
    const rest = tokens.slice(2);
    const channel = channelAtEnd(rest, ADMIN_USAGE.channel);
    if (!channel)
      return invalid(
        "Name the channel after the team, or say here in the channel itself.",
        ADMIN_USAGE.channel,
      );
    if ("type" in channel) return channel;
    if (rest.some((t) => t.kind === "person"))
      return invalid("Name a team, then its channel.", ADMIN_USAGE.channel);
    const team = words(rest.slice(0, -1));
    if (!team) return invalid("Which team? Name it before the channel.", ADMIN_USAGE.channel);
    return { type: "team.channel", team, channel: channel.channel };
  }
  if (head === "team" && sub === "add") {
    const rest = tokens.slice(2);
    const first = rest.findIndex((t) => t.kind === "person");
    if (first < 0) return invalid("Who should I add? Mention them with @.", ADMIN_USAGE.add);
    const team = words(rest.slice(0, first));
    if (!team) return invalid("Which team? Name it before the people.", ADMIN_USAGE.add);
    const others = rest.slice(first).filter((t) => t.kind !== "person");
    if (others.length > 0)
      return invalid(`I couldn't read "${others[0]!.raw}" as a person.`, ADMIN_USAGE.add);
    return {
      type: "team.add",
      team,
      people: rest.slice(first).flatMap((t) => (t.kind === "person" ? [t.ref] : [])),
    };
  }
  if (head === "manager") {
    const rest = tokens.slice(1);
    const people = rest.flatMap((t) => (t.kind === "person" ? [t.ref] : []));
    const none =
      rest.length === 2 && rest[1]?.kind === "word" && rest[1].text.toLowerCase() === "none";
    if (people.length === 1 && none) return { type: "manager", person: people[0]!, manager: null };
    if (people.length !== 2 || rest.length !== 2)
      return invalid("Name the person, then their manager.", ADMIN_USAGE.manager);
    return { type: "manager", person: people[0]!, manager: people[1]! };
  }
  if (head === "role") {
    const [who, what, ...extra] = tokens.slice(1);
    const role = what?.kind === "word" ? what.text.toLowerCase() : "";
    if (
      who?.kind !== "person" ||
      extra.length > 0 ||
      !["member", "manager", "admin"].includes(role)
    )
      return invalid("Name the person, then member, manager or admin.", ADMIN_USAGE.role);
    return { type: "role", person: who.ref, role: role as "member" | "manager" | "admin" };
  }
  if (head === "digest") {
    const rest = tokens.slice(1).map((t) => (t.kind === "word" ? t.text : t.raw));
    let timeZone: string | null = null;
    const lastWord = rest.at(-1);
    if (lastWord?.includes("/") && isValidTimeZone(lastWord)) {
      timeZone = lastWord;
      rest.pop();
    } else if (lastWord && /^utc$/i.test(lastWord)) {
      timeZone = "UTC";
      rest.pop();
    } else if (lastWord?.includes("/")) {
      return invalid(
        `"${lastWord}" isn't a time zone I know (try Europe/Berlin).`,
        ADMIN_USAGE.digest,
      );
    }
    const timeText = rest.pop();
    const dayText = rest.pop();
    const team = rest.join(" ").trim();
    if (!timeText || !dayText || !team)
      return invalid("Name the team, a day and a time.", ADMIN_USAGE.digest);
    const time = parseTime(timeText);
    if (!time.ok) return invalid(time.error, ADMIN_USAGE.digest);
    const days = parseDays(dayText);
    if (!days.ok) return invalid(days.error, ADMIN_USAGE.digest);
    if (days.value.length !== 1)
      return invalid("The digest goes out on one day a week.", ADMIN_USAGE.digest);
    return {
      type: "digest",
      team,
      day: WEEKDAYS.indexOf(days.value[0]!) + 1,
      time: time.value,
      timeZone,
    };
  }
  return invalid(
    "Admin commands: team create, team channel, team add, manager, digest, role.",
    ADMIN_USAGE.create,
  );
}

const PERIODS: Record<string, Period> = {
  week: "week",
  weekly: "week",
  month: "month",
  monthly: "month",
  quarter: "quarter",
  year: "year",
  all: "all",
  "all-time": "all",
};

export type LeaderboardCommand =
  | { type: "show"; team: string | null; period: Period }
  | { type: "optout"; choice: "shown" | "anonymous" | "hidden" }
  | { type: "invalid"; message: string; usage: string };

export const LEADERBOARD_USAGE = "leaderboard [team] [week|month|quarter|all]";
export const OPTOUT_USAGE = "leaderboard optout hidden|anonymous|off";

export function parseLeaderboard(text: string): LeaderboardCommand {
  const tokens = tokenize(text);
  const first = tokens[0]?.kind === "word" ? tokens[0].text.toLowerCase() : "";
  if (first === "optout" || first === "opt-out") {
    const choice = tokens[1]?.kind === "word" ? tokens[1].text.toLowerCase() : "";
    if (tokens.length !== 2)
      return { type: "invalid", message: "Choose how you appear.", usage: OPTOUT_USAGE };
    if (choice === "hidden" || choice === "hide") return { type: "optout", choice: "hidden" };
    if (choice === "anonymous" || choice === "anon") return { type: "optout", choice: "anonymous" };
    if (choice === "off" || choice === "no") return { type: "optout", choice: "shown" };
    return { type: "invalid", message: `"${tokens[1]?.raw}" isn't a choice.`, usage: OPTOUT_USAGE };
  }
  if (tokens.some((t) => t.kind !== "word"))
    return {
      type: "invalid",
      message: "Leaderboards are by team, not by person.",
      usage: LEADERBOARD_USAGE,
    };
  let period: Period = "week";
  const rest = [...tokens];
  const last = rest.at(-1);
  const p = last?.kind === "word" ? PERIODS[last.text.toLowerCase()] : undefined;
  if (p && p !== "year") {
    period = p;
    rest.pop();
  }
  const team = words(rest);
  return { type: "show", team: team || null, period };
}

export type ReportCommand =
  | { type: "report"; manager: PersonRef | null; team: string | null; period: Period; csv: boolean }
  | { type: "summary"; on: boolean }
  | { type: "invalid"; message: string; usage: string };

export const REPORT_USAGE = "report [@manager|team] [week|month|quarter|year] [csv]";

export function parseReport(text: string): ReportCommand {
  const tokens = tokenize(text);
  const first = tokens[0]?.kind === "word" ? tokens[0].text.toLowerCase() : "";
  if (first === "summary" && tokens.length === 2 && tokens[1]?.kind === "word") {
    const v = tokens[1].text.toLowerCase();
    if (v === "on" || v === "off") return { type: "summary", on: v === "on" };
  }
  const rest = [...tokens];
  let csv = false;
  let period: Period = "month";
  for (let i = 0; i < 2; i++) {
    const last = rest.at(-1);
    const w = last?.kind === "word" ? last.text.toLowerCase() : "";
    if (w === "csv" && !csv) {
      csv = true;
      rest.pop();
    } else if (PERIODS[w] && PERIODS[w] !== "all") {
      period = PERIODS[w]!;
      rest.pop();
    }
  }
  const people = rest.filter((t) => t.kind === "person");
  if (people.length > 1 || (people.length === 1 && rest.length > 1))
    return { type: "invalid", message: "Name one manager or one team.", usage: REPORT_USAGE };
  if (rest.some((t) => t.kind === "channel"))
    return { type: "invalid", message: "Name a team, not a channel.", usage: REPORT_USAGE };
  const manager = people[0]?.kind === "person" ? people[0].ref : null;
  const team = manager ? null : words(rest) || null;
  return { type: "report", manager, team, period, csv };
}

/** How a person reference reads in a reply: never as a live mention. */
export function describeRef(ref: PersonRef): string {
  if (ref.kind === "platform") return ref.label ?? "that person";
  if (ref.kind === "email") return ref.email;
  return ref.name;
}

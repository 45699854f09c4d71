import { type ChannelRef, readChannel } from "../../domain/org/channels.ts";
import type { PersonRef } from "../../domain/org/service.ts";
import type { Period } from "../../domain/scoring/periods.ts";
import {
  LOCALES,
  type MessageKey,
  type MessageValues,
  type Translator,
  translator,
} from "../../i18n/index.ts";
import { parseLanguage } from "../../messages/language.ts";
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
  | { type: "team.language"; team: string; locale: string | null }
  | { type: "manager"; person: PersonRef; manager: PersonRef | null }
  | { type: "digest"; team: string; day: number; time: string; timeZone: string | null }
  | { type: "role"; person: PersonRef; role: "member" | "manager" | "admin" }
  | { type: "invalid"; message: string; usage: string };

export const ADMIN_USAGE = {
  create: "admin team create <name> [#channel|here]",
  channel: "admin team channel <team> #channel|here",
  add: "admin team add <team> @person…",
  language: "admin team language <team> <code>|off",
  manager: "admin manager @person @manager",
  digest: "admin digest <team> <day> <HH:MM> [time zone]",
  role: "admin role @person member|manager|admin",
};

const invalidIn =
  (t: Translator, usage: string) =>
  (key: MessageKey, values: MessageValues = {}): AdminCommand => ({
    type: "invalid",
    message: t.t(key, values),
    usage,
  });

const MAX_TEAM_NAME = 80;

/**
 * The channel that ends a team command: a picked channel (`<#C…|name>`), a Teams channel link, or
 * the word here. Undefined when there is none; an invalid command when one is misplaced.
 */
function channelAtEnd(
  rest: Token[],
  invalid: (key: MessageKey, values?: MessageValues) => AdminCommand,
): { channel: ChannelChoice } | AdminCommand | undefined {
  const last = rest.at(-1);
  const isHere = (t: Token | undefined) => t?.kind === "word" && t.raw.toLowerCase() === "here";
  const linked = (t: Token | undefined) =>
    t?.kind === "word" && t.raw === t.text ? readChannel(t.text) : undefined;
  const channels = rest.filter((t) => t.kind === "channel" || isHere(t) || linked(t));
  if (channels.length > 1) return invalid("admin.oneChannel");
  if (channels.length === 1 && channels[0] !== last) return invalid("admin.channelLast");
  const plainHash = rest.find((t) => t.kind === "word" && t.text.startsWith("#"));
  if (plainHash) return invalid("admin.plainHash", { text: plainHash.raw });
  if (last?.kind === "channel") return { channel: last.ref };
  if (isHere(last)) return { channel: "here" };
  const link = linked(last);
  return link ? { channel: link } : undefined;
}

function teamCreate(rest: Token[], t: Translator): AdminCommand {
  const invalid = invalidIn(t, ADMIN_USAGE.create);
  const channel = channelAtEnd(rest, invalid);
  if (channel && "type" in channel) return channel;
  if (rest.some((x) => x.kind === "person"))
    return invalid("admin.addLater", { command: "admin team add" });
  const name = words(channel ? rest.slice(0, -1) : rest);
  if (!name) return invalid("admin.teamNeedsName");
  if (name.length > MAX_TEAM_NAME) return invalid("admin.teamNameLong", { max: MAX_TEAM_NAME });
  return { type: "team.create", name, channel: channel?.channel ?? null };
}

function teamChannel(rest: Token[], t: Translator): AdminCommand {
  const invalid = invalidIn(t, ADMIN_USAGE.channel);
  const channel = channelAtEnd(rest, invalid);
  if (!channel) return invalid("admin.channelAfterTeam");
  if ("type" in channel) return channel;
  if (rest.some((x) => x.kind === "person")) return invalid("admin.teamThenChannel");
  const team = words(rest.slice(0, -1));
  if (!team) return invalid("admin.whichTeamChannel");
  return { type: "team.channel", team, channel: channel.channel };
}

function teamAdd(rest: Token[], t: Translator): AdminCommand {
  const invalid = invalidIn(t, ADMIN_USAGE.add);
  const first = rest.findIndex((x) => x.kind === "person");
  if (first < 0) return invalid("admin.whoToAdd");
  const team = words(rest.slice(0, first));
  if (!team) return invalid("admin.whichTeamPeople");
  const others = rest.slice(first).filter((x) => x.kind !== "person");
  if (others.length > 0) return invalid("admin.notAPerson", { text: others[0]!.raw });
  return {
    type: "team.add",
    team,
    people: rest.slice(first).flatMap((x) => (x.kind === "person" ? [x.ref] : [])),
  };
}

/** `team language <team> <code>|off`: the language of the team's digest. */
function teamLanguage(rest: Token[], t: Translator): AdminCommand {
  const invalid = invalidIn(t, ADMIN_USAGE.language);
  const code = rest.at(-1);
  const team = words(rest.slice(0, -1));
  if (code?.kind !== "word" || !team) return invalid("admin.teamLanguageNeeds");
  const parsed = parseLanguage(code.text);
  if (!parsed.ok)
    return invalid("language.unknown", { code: code.text.slice(0, 40), codes: LOCALES.join(", ") });
  return { type: "team.language", team, locale: parsed.locale };
}

function manager(rest: Token[], t: Translator): AdminCommand {
  const people = rest.flatMap((x) => (x.kind === "person" ? [x.ref] : []));
  const none =
    rest.length === 2 && rest[1]?.kind === "word" && rest[1].text.toLowerCase() === "none";
  if (people.length === 1 && none) return { type: "manager", person: people[0]!, manager: null };
  if (people.length !== 2 || rest.length !== 2)
    return invalidIn(t, ADMIN_USAGE.manager)("admin.personThenManager");
  return { type: "manager", person: people[0]!, manager: people[1]! };
}

function role(rest: Token[], t: Translator): AdminCommand {
  const [who, what, ...extra] = rest;
  const chosen = what?.kind === "word" ? what.text.toLowerCase() : "";
  if (
    who?.kind !== "person" ||
    extra.length > 0 ||
    !["member", "manager", "admin"].includes(chosen)
  )
    return invalidIn(t, ADMIN_USAGE.role)("admin.personThenRole");
  return { type: "role", person: who.ref, role: chosen as "member" | "manager" | "admin" };
}

/** The digest's time zone, when the last word names one; the words before it stay in `rest`. */
function trailingZone(rest: string[]): { zone: string | null } | { unknown: string } {
  const lastWord = rest.at(-1);
  if (lastWord?.includes("/") && isValidTimeZone(lastWord)) {
    rest.pop();
    return { zone: lastWord };
  }
  if (lastWord && /^utc$/i.test(lastWord)) {
    rest.pop();
    return { zone: "UTC" };
  }
  return lastWord?.includes("/") ? { unknown: lastWord } : { zone: null };
}

function digest(tokens: Token[], t: Translator): AdminCommand {
  const invalid = invalidIn(t, ADMIN_USAGE.digest);
  const rest = tokens.map((x) => (x.kind === "word" ? x.text : x.raw));
  const zone = trailingZone(rest);
  if ("unknown" in zone) return invalid("admin.badZone", { zone: zone.unknown });
  const timeText = rest.pop();
  const dayText = rest.pop();
  const team = rest.join(" ").trim();
  if (!timeText || !dayText || !team) return invalid("admin.digestNeeds");
  const time = parseTime(timeText);
  if (!time.ok) return { type: "invalid", message: t.say(time.error), usage: ADMIN_USAGE.digest };
  const days = parseDays(dayText);
  if (!days.ok) return { type: "invalid", message: t.say(days.error), usage: ADMIN_USAGE.digest };
  if (days.value.length !== 1) return invalid("admin.oneDay");
  const day = WEEKDAYS.indexOf(days.value[0]!) + 1;
  return { type: "digest", team, day, time: time.value, timeZone: zone.zone };
}

/** Each admin subcommand's grammar, by its first one or two words; the rest is handed on. */
const ADMIN_GRAMMARS: Record<string, (rest: Token[], t: Translator) => AdminCommand> = {
  "team create": teamCreate,
  "team channel": teamChannel,
  "team add": teamAdd,
  "team language": teamLanguage,
  manager,
  role,
  digest,
};

/** Parses what follows `/learn admin`; errors are said in `t`'s language (English by default). */
export function parseAdmin(text: string, t: Translator = translator()): AdminCommand {
  const tokens = tokenize(text);
  const word = (i: number) => (tokens[i]?.kind === "word" ? tokens[i].text.toLowerCase() : "");
  const two = ADMIN_GRAMMARS[`${word(0)} ${word(1)}`];
  if (word(0) === "team" && two) return two(tokens.slice(2), t);
  const one = word(0) !== "team" ? ADMIN_GRAMMARS[word(0)] : undefined;
  if (one) return one(tokens.slice(1), t);
  return invalidIn(t, ADMIN_USAGE.create)("admin.commands");
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

export function parseLeaderboard(text: string, t: Translator = translator()): LeaderboardCommand {
  const tokens = tokenize(text);
  const first = tokens[0]?.kind === "word" ? tokens[0].text.toLowerCase() : "";
  if (first === "optout" || first === "opt-out") {
    const choice = tokens[1]?.kind === "word" ? tokens[1].text.toLowerCase() : "";
    if (tokens.length !== 2)
      return { type: "invalid", message: t.t("leaderboard.chooseHow"), usage: OPTOUT_USAGE };
    if (choice === "hidden" || choice === "hide") return { type: "optout", choice: "hidden" };
    if (choice === "anonymous" || choice === "anon") return { type: "optout", choice: "anonymous" };
    if (choice === "off" || choice === "no") return { type: "optout", choice: "shown" };
    const message = t.t("leaderboard.notAChoice", { choice: tokens[1]?.raw ?? "" });
    return { type: "invalid", message, usage: OPTOUT_USAGE };
  }
  if (tokens.some((x) => x.kind !== "word"))
    return { type: "invalid", message: t.t("leaderboard.byTeam"), usage: LEADERBOARD_USAGE };
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

export function parseReport(text: string, t: Translator = translator()): ReportCommand {
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
  const people = rest.filter((x) => x.kind === "person");
  if (people.length > 1 || (people.length === 1 && rest.length > 1))
    return { type: "invalid", message: t.t("report.oneScope"), usage: REPORT_USAGE };
  if (rest.some((x) => x.kind === "channel"))
    return { type: "invalid", message: t.t("report.notChannel"), usage: REPORT_USAGE };
  const manager = people[0]?.kind === "person" ? people[0].ref : null;
  const team = manager ? null : words(rest) || null;
  return { type: "report", manager, team, period, csv };
}

/** How a person reference reads in a reply: never as a live mention. */
export function describeRef(ref: PersonRef, t: Translator = translator()): string {
  if (ref.kind === "platform") return ref.label ?? t.t("admin.thatPerson");
  if (ref.kind === "email") return ref.email;
  return ref.name;
}

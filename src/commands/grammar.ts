import { type MessageKey, type MessageValues, type Phrase, translator } from "../i18n/index.ts";
import { splitTargetDate } from "./dates.ts";

/** One line of help per core command. */
export const COMMANDS = [
  { name: "help", usage: "help", description: "Show what I can do" },
  {
    name: "goal",
    usage: "goal <credential or your own goal> [by <date>] [<N>h/week]",
    description: "Set a learning goal",
  },
  { name: "goals", usage: "goals", description: "Your goals, progress and pace" },
  { name: "log", usage: "log <hours> [goal] [note]", description: "Log time spent learning" },
  { name: "done", usage: "done <goal> [evidence URL]", description: "Mark a goal complete" },
  { name: "catalog", usage: "catalog [search words]", description: "Browse credentials" },
  { name: "pause", usage: "pause <goal>", description: "Pause a goal" },
  { name: "resume", usage: "resume <goal>", description: "Resume a paused goal" },
  { name: "drop", usage: "drop <goal>", description: "Stop working on a goal" },
] as const;

export type CommandName = (typeof COMMANDS)[number]["name"];

/**
 * Input the goal loop can't use: what was wrong (a catalogue message, said in the person's
 * language), and the usage line to show with it.
 */
export type Invalid = { type: "invalid"; message: Phrase; usage: string | null };

export type GoalArgs = {
  type: "goal";
  query: string;
  targetDate: string | null;
  hoursPerWeek: number | null;
};
export type LogArgs = { type: "log"; hours: number; rest: string };
export type DoneArgs = { type: "done"; goal: string; evidenceUrl: string | null };

export interface ParseContext {
  now: Date;
  timeZone: string;
  /** Dates are read in this locale's language first, then in English. */
  locale?: string;
}

export const MAX_COMMAND_LENGTH = 2000;
export const MAX_TITLE_LENGTH = 200;
export const MAX_NOTE_LENGTH = 500;
export const MAX_URL_LENGTH = 2000;
export const MAX_HOURS_PER_LOG = 24;
export const MAX_HOURS_PER_WEEK = 80;

const usageOf = (name: CommandName) => COMMANDS.find((c) => c.name === name)!.usage;

function invalid(key: MessageKey, name: CommandName | null, values?: MessageValues): Invalid {
  const message = values ? { key, values } : { key };
  return { type: "invalid", message, usage: name ? usageOf(name) : null };
}

const HOURS_PER_WEEK =
  /(?:^|\s)(\d+(?:[.,]\d+)?)\s*(?:h|hrs?|hours?)\s*(?:\/\s*|per\s+|a\s+|each\s+)(?:w|wk|week)\b/i;

/** "2", "1.5", "1,5", "30m", "45 min", "1h", "1h30", "1h 30m", "2 hours" → hours and the rest. */
export function parseDuration(text: string): { hours: number; rest: string } | null {
  const m =
    /^(?:(\d+(?:[.,]\d+)?)\s*(?:h|hrs?|hours?)\s*(?:(\d{1,2})\s*(?:m|mins?|minutes?)?)?|(\d+)\s*(?:m|mins?|minutes?)|(\d+(?:[.,]\d+)?))(?=\s|$)/i.exec(
      text,
    );
  if (!m) return null;
  const num = (s: string) => Number(s.replace(",", "."));
  let hours: number;
  if (m[1] !== undefined) hours = num(m[1]) + (m[2] ? Number(m[2]) / 60 : 0);
  else if (m[3] !== undefined) hours = Number(m[3]) / 60;
  else hours = num(m[4]!);
  return { hours: Math.round(hours * 100) / 100, rest: text.slice(m[0].length).trim() };
}

function isUrl(token: string): boolean {
  return /^https?:\/\/\S+$/i.test(token);
}

/** Slack wraps links as <url> or <url|label>; other platforms pass them bare. */
function unwrapLinks(text: string): string {
  return text.replace(/<(https?:\/\/[^|>\s]+)(?:\|[^>]*)?>/gi, "$1");
}

/** What follows a goal-loop command word, links unwrapped and spaces collapsed. */
export function normalizeArgs(text: string): string {
  return unwrapLinks(text).replace(/\s+/g, " ").trim();
}

/** A command longer than anyone types is refused before it is read. */
export function tooLong(input: string): Invalid | null {
  if (input.length <= MAX_COMMAND_LENGTH) return null;
  return invalid("parse.tooLong", null, { length: input.length, max: MAX_COMMAND_LENGTH });
}

const aliasesByLocale = new Map<string, Map<string, string>>();

/**
 * The English command word a person's language spells `word` as, if its catalogue says so:
 * `grammar.commands` lists "alias command" pairs separated by "|" ("ziele goals|eintragen log").
 * Command words stay English in help and usage; these are accepted beside them.
 */
export function localCommand(word: string, locale?: string): string | undefined {
  const t = translator(locale);
  let aliases = aliasesByLocale.get(t.locale);
  if (!aliases) {
    const pairs = t.t("grammar.commands").split("|");
    aliases = new Map(
      pairs.flatMap((pair) => {
        const [alias, command, extra] = pair.trim().split(/\s+/);
        return alias && command && !extra ? [[alias.toLowerCase(), command] as const] : [];
      }),
    );
    aliasesByLocale.set(t.locale, aliases);
  }
  return aliases.get(word);
}

/** "I don't know …" for a word no feature claims. */
export function unknownCommand(word: string): Invalid {
  return invalid("parse.unknown", null, { word: word.slice(0, 40) });
}

/** `goal <credential or your own goal> [by <date>] [<N>h/week]`, after the word. */
export function parseGoal(rest: string, ctx: ParseContext): GoalArgs | Invalid {
  let text = rest;
  let hoursPerWeek: number | null = null;
  const hpw = HOURS_PER_WEEK.exec(text);
  if (hpw) {
    hoursPerWeek = Number(hpw[1]!.replace(",", "."));
    text = `${text.slice(0, hpw.index)} ${text.slice(hpw.index + hpw[0].length)}`.trim();
    if (!(hoursPerWeek > 0) || hoursPerWeek > MAX_HOURS_PER_WEEK) {
      return invalid("parse.hoursPerWeek", "goal", { max: MAX_HOURS_PER_WEEK });
    }
  }

  let targetDate: string | null = null;
  const dated = splitTargetDate(text, ctx);
  if (dated) {
    if (!dated.date.ok)
      return { type: "invalid", message: dated.date.message, usage: usageOf("goal") };
    targetDate = dated.date.date;
    text = dated.title;
  }

  const query = text.replace(/\s+/g, " ").trim();
  if (!query) return invalid("parse.goalEmpty", "goal");
  if (query.length > MAX_TITLE_LENGTH) {
    return invalid("parse.goalTooLong", "goal", { length: query.length, max: MAX_TITLE_LENGTH });
  }
  return { type: "goal", query, targetDate, hoursPerWeek };
}

/** What is wrong with logging this many hours at once, if anything. */
export function hoursProblem(hours: number): Phrase | null {
  if (hours <= 0) return { key: "parse.logZero" };
  if (hours > MAX_HOURS_PER_LOG) {
    return { key: "parse.logTooMany", values: { hours, max: MAX_HOURS_PER_LOG } };
  }
  return null;
}

/** `log <hours> [goal] [note]`, after the word. */
export function parseLog(rest: string): LogArgs | Invalid {
  if (!rest) return invalid("parse.logEmpty", "log", { example: "log 1.5" });
  const d = parseDuration(rest);
  if (!d) return invalid("parse.notHours", "log", { text: rest.split(" ")[0]! });
  const tooFew = hoursProblem(d.hours);
  if (tooFew) return { type: "invalid", message: tooFew, usage: usageOf("log") };
  if (d.rest.length > MAX_NOTE_LENGTH + MAX_TITLE_LENGTH) {
    return invalid("error.noteTooLong", "log", { max: MAX_NOTE_LENGTH });
  }
  return { type: "log", hours: d.hours, rest: d.rest };
}

/** `done <goal> [evidence URL]`, after the word. */
export function parseDone(rest: string): DoneArgs | Invalid {
  const tokens = rest.split(" ").filter(Boolean);
  const last = tokens.at(-1);
  const evidenceUrl = last && isUrl(last) ? last : null;
  if (evidenceUrl && evidenceUrl.length > MAX_URL_LENGTH) {
    return invalid("parse.urlTooLong", "done", { max: MAX_URL_LENGTH });
  }
  const goal = (evidenceUrl ? tokens.slice(0, -1) : tokens).join(" ");
  if (!goal && !evidenceUrl) return invalid("parse.doneEmpty", "done");
  return { type: "done", goal, evidenceUrl };
}

import type { TeamRow } from "../domain/org/repository.ts";
import {
  catalogueFor,
  type MessageKey,
  type MessageValues,
  type Translator,
  translator,
} from "../i18n/index.ts";
import type { Block, Message } from "./model.ts";

/** A reply of one catalogue message, with an optional note under it, in `locale`. */
export function saidMessage(
  locale: string | undefined,
  key: MessageKey,
  values: MessageValues = {},
  note?: { key: MessageKey; values?: MessageValues },
): Message {
  const t = translator(locale);
  const blocks: Block[] = [{ type: "text", text: t.rich(key, values) }];
  if (note) blocks.push({ type: "context", text: t.rich(note.key, note.values) });
  return { summary: t.t(key, values), blocks };
}

/** A weekday's full name ("Monday", "Montag", "月曜日"); `day` is ISO, 1 = Monday. */
function weekdayName(day: number, t: Translator): string {
  // 2024-01-01 was a Monday.
  const at = new Date(Date.UTC(2024, 0, day, 12));
  return new Intl.DateTimeFormat(t.locale, { weekday: "long", timeZone: "UTC" }).format(at);
}

/** "on Mondays at 09:00 (Europe/Berlin)" in the locale. */
function schedule(day: number, time: string, zone: string, t: Translator): string {
  return t.t("admin.schedule", { day: weekdayName(day, t), time: t.time(time), zone });
}

export function teamCreatedMessage(team: TeamRow, locale?: string): Message {
  const t = translator(locale);
  const where = team.channel_name ? `#${team.channel_name}` : t.t("admin.thatChannel");
  return saidMessage(
    locale,
    "admin.teamCreated",
    { team: team.name },
    {
      key: "admin.teamCreatedNote",
      values: {
        channel: team.channel_id ? "yes" : "none",
        where,
        schedule: schedule(team.digest_day, team.digest_time, team.digest_time_zone, t),
        command: { command: "admin digest" },
      },
    },
  );
}

/** A team's digest schedule changed; a note when it has no channel to post to yet. */
export function digestScheduleMessage(
  team: TeamRow,
  digest: { day: number; time: string; timeZone: string },
  locale?: string,
): Message {
  const t = translator(locale);
  const when = schedule(digest.day, digest.time, digest.timeZone, t);
  return saidMessage(
    locale,
    "admin.digestSet",
    { team: team.name, schedule: when },
    team.channel_id ? undefined : { key: "admin.noChannelYet" },
  );
}

/** A team's digest language set (in the admin's language), or cleared. */
export function teamLanguageMessage(
  team: TeamRow,
  language: string | null,
  locale?: string,
): Message {
  const t = translator(locale);
  return language
    ? saidMessage(locale, "admin.teamLanguageSet", {
        team: team.name,
        // Mid-sentence, as the language writes it: "German", "allemand", "Deutsch".
        language:
          new Intl.DisplayNames([t.locale], { type: "language" }).of(
            catalogueFor(language) ?? language,
          ) ?? language,
      })
    : saidMessage(locale, "admin.teamLanguageCleared", { team: team.name });
}

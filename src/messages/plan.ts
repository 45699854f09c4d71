import { DateTime } from "luxon";
import type { StudyBlock } from "../domain/plans/calendar.ts";
import { type Translator, translator } from "../i18n/index.ts";
import { payload } from "./goals.ts";
import type { Attachment, Form, Message } from "./model.ts";

export const BLOCK_LENGTHS = [30, 45, 60, 90, 120, 180] as const;

/** A weekday's full name in the locale, 1 = Monday. */
function weekdayName(t: Translator, weekday: number): string {
  // 2024-01-01 was a Monday.
  const at = new Date(Date.UTC(2024, 0, weekday, 12));
  return new Intl.DateTimeFormat(t.locale, { weekday: "long", timeZone: "UTC" }).format(at);
}

/** The calendar file and what it holds, with a way to change the block. */
export function planMessage(
  input: {
    goalId: number;
    title: string;
    block: StudyBlock;
    timeZone: string;
    first: Date;
    until: string;
    occurrences: number;
    ics: string;
  },
  locale?: string,
): Message {
  const t = translator(locale);
  const values = {
    title: input.title,
    day: weekdayName(t, input.block.weekday),
    time: t.time(input.block.time),
    length: t.hours(input.block.minutes / 60),
    zone: input.timeZone,
    first: t.shortDate(
      DateTime.fromJSDate(input.first, { zone: input.timeZone }).toISODate() ?? "",
    ),
    until: t.shortDate(input.until, true),
    count: input.occurrences,
  };
  const file: Attachment = {
    filename: "study-plan.ics",
    contentType: "text/calendar",
    data: new TextEncoder().encode(input.ics),
    title: t.t("plan.fileTitle", values),
  };
  return {
    summary: t.t("plan.summary", values),
    files: [file],
    blocks: [
      { type: "text", text: t.rich("plan.text", values) },
      { type: "context", text: t.rich("plan.import") },
      {
        type: "actions",
        buttons: [
          { label: t.t("plan.change"), action: "plan.change", value: payload({ g: input.goalId }) },
        ],
      },
    ],
  };
}

export function planForm(goalId: number, title: string, block: StudyBlock, locale?: string): Form {
  const t = translator(locale);
  return {
    id: "plan.block",
    title: t.t("plan.formTitle"),
    submitLabel: t.t("plan.formSubmit"),
    state: String(goalId),
    intro: t.rich("plan.formIntro", { title }),
    inputs: [
      {
        type: "select",
        id: "day",
        label: t.t("plan.day"),
        initial: String(block.weekday),
        options: [1, 2, 3, 4, 5, 6, 7].map((d) => ({
          label: weekdayName(t, d),
          value: String(d),
        })),
      },
      {
        type: "text",
        id: "time",
        label: t.t("plan.startTime"),
        initial: block.time,
        maxLength: 5,
        placeholder: "12:00",
      },
      {
        type: "select",
        id: "length",
        label: t.t("plan.length"),
        initial: String(
          BLOCK_LENGTHS.includes(block.minutes as (typeof BLOCK_LENGTHS)[number])
            ? block.minutes
            : 60,
        ),
        options: BLOCK_LENGTHS.map((m) => ({ label: t.hours(m / 60), value: String(m) })),
      },
    ],
  };
}

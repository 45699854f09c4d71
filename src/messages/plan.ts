import { DateTime } from "luxon";
import type { StudyBlock } from "../domain/plans/calendar.ts";
import { hours, payload } from "./goals.ts";
import type { Attachment, Form, Message } from "./model.ts";

export const WEEKDAY_NAMES = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
] as const;
export const BLOCK_LENGTHS = [30, 45, 60, 90, 120, 180] as const;

/** The calendar file and what it holds, with a way to change the block. */
export function planMessage(input: {
  goalId: number;
  title: string;
  block: StudyBlock;
  timeZone: string;
  first: Date;
  until: string;
  occurrences: number;
  ics: string;
}): Message {
  const day = WEEKDAY_NAMES[input.block.weekday - 1]!;
  const first = DateTime.fromJSDate(input.first, { zone: input.timeZone });
  const until = DateTime.fromISO(input.until);
  const file: Attachment = {
    filename: "study-plan.ics",
    contentType: "text/calendar",
    data: new TextEncoder().encode(input.ics),
    title: `Study plan: ${input.title}`,
  };
  return {
    summary: `Study plan for ${input.title}: ${day}s at ${input.block.time}`,
    files: [file],
    blocks: [
      {
        type: "text",
        text: [
          "📅 Your study plan for ",
          { bold: input.title },
          `: every ${day} at ${input.block.time} for ${hours(input.block.minutes / 60)} (${input.timeZone}), from ${first.toFormat("d LLL")} until ${until.toFormat("d LLL yyyy")} — ${input.occurrences} sessions.`,
        ],
      },
      {
        type: "context",
        text: [
          "Import study-plan.ics into Google Calendar or Outlook to add the sessions; importing an updated plan replaces this one.",
        ],
      },
      {
        type: "actions",
        buttons: [
          {
            label: "Change day and time",
            action: "plan.change",
            value: payload({ g: input.goalId }),
          },
        ],
      },
    ],
  };
}

export function planForm(goalId: number, title: string, block: StudyBlock): Form {
  return {
    id: "plan.block",
    title: "Weekly study block",
    submitLabel: "Get calendar file",
    state: String(goalId),
    intro: [`When do you want to study for ${title}? Times are in your own time zone.`],
    inputs: [
      {
        type: "select",
        id: "day",
        label: "Day",
        initial: String(block.weekday),
        options: WEEKDAY_NAMES.map((name, i) => ({ label: name, value: String(i + 1) })),
      },
      {
        type: "text",
        id: "time",
        label: "Start time (HH:MM, 24-hour)",
        initial: block.time,
        maxLength: 5,
        placeholder: "12:00",
      },
      {
        type: "select",
        id: "length",
        label: "Length",
        initial: String(
          BLOCK_LENGTHS.includes(block.minutes as (typeof BLOCK_LENGTHS)[number])
            ? block.minutes
            : 60,
        ),
        options: BLOCK_LENGTHS.map((m) => ({ label: hours(m / 60), value: String(m) })),
      },
    ],
  };
}

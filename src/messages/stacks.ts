import type { StackSummary } from "../domain/stacks/repository.ts";
import type { StackProgress, StartedStep } from "../domain/stacks/service.ts";
import { hours, payload, progressBlock } from "./goals.ts";
import type { Block, Button, Inline, Message } from "./model.ts";

function dateText(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  const month = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
  ][m - 1];
  return `${d} ${month} ${y}`;
}

const MARK = { completed: "✅", active: "▶️", paused: "⏸", dropped: "◻️" } as const;

/** A stack with where the person is in it, and what they can do next. */
export function stackMessage(progress: StackProgress): Message {
  const { stack, steps, done } = progress;
  const blocks: Block[] = [{ type: "header", text: stack.title }];
  if (stack.description) blocks.push({ type: "text", text: [stack.description] });
  blocks.push({
    ...progressBlock(["Your progress"], done, steps.length, undefined, (t, n) => t.num(n)),
    caption: [`${done} of ${steps.length} credentials`],
  });
  steps.forEach((step, i) => {
    const status = step.goal?.status;
    const mark = status ? MARK[status] : "◻️";
    const line: Inline[] = [
      `${mark} ${i + 1}. `,
      step.entry.url
        ? { link: step.entry.url, text: step.entry.title }
        : { bold: step.entry.title },
      ` · ${step.entry.provider} · ${hours(step.entry.estimatedHours)}`,
    ];
    if (status === "active" || status === "paused")
      line.push(
        ` · ${hours(step.goal!.loggedHours)} logged${status === "paused" ? ", waiting" : ""}`,
      );
    blocks.push({ type: "text", text: line });
  });

  const buttons: Button[] = [];
  const notStarted = steps.some((s) => !s.goal || s.goal.status === "dropped");
  if (notStarted) {
    buttons.push({
      label: "Start this stack",
      action: "stack.start",
      value: payload({ s: stack.id }),
      style: "primary",
    });
  }
  const active = steps.some((s) => s.goal?.status === "active");
  const next = steps.find((s) => s.goal?.status === "paused");
  if (!active && next) {
    buttons.push({
      label: `Resume ${next.entry.title}`.slice(0, 75),
      action: "goal.resume",
      value: payload({ g: next.goal!.id }),
    });
  }
  if (buttons.length > 0) blocks.push({ type: "actions", buttons });
  if (done === steps.length && steps.length > 0) {
    blocks.push({ type: "context", text: ["🏆 You've completed the whole stack."] });
  } else if (notStarted) {
    blocks.push({
      type: "context",
      text: [
        "Starting sets a goal for each credential, one after another at your weekly hours. Choose them with ",
        { command: `stack ${stack.role} 5h/week` },
        ".",
      ],
    });
  }
  return { summary: `${stack.title}: ${done} of ${steps.length} done`, blocks };
}

export function stacksListMessage(stacks: readonly StackSummary[]): Message {
  if (stacks.length === 0) {
    return {
      summary: "No stacks yet",
      blocks: [
        { type: "text", text: ["There are no stacks yet."] },
        {
          type: "context",
          text: [
            "An admin can add one with ",
            { command: "stack define <role>: <credential>, <credential>" },
          ],
        },
      ],
    };
  }
  const blocks: Block[] = [{ type: "header", text: "Stacks: credentials in a sensible order" }];
  for (const s of stacks) {
    blocks.push({
      type: "text",
      text: [{ bold: s.title }, ` · for ${s.role} · ${s.credentialIds.length} credentials`],
    });
    blocks.push({
      type: "actions",
      buttons: [{ label: "View", action: "stack.show", value: payload({ s: s.id }) }],
    });
  }
  return { summary: `${stacks.length} stacks`, blocks };
}

export function stackStartedMessage(
  stack: StackSummary,
  steps: StartedStep[],
  hoursPerWeek: number,
): Message {
  const created = steps.filter((s) => s.outcome === "created");
  const blocks: Block[] = [
    {
      type: "text",
      text: [
        created.length > 0 ? "Stack started: " : "Nothing new to start in ",
        { bold: stack.title },
        created.length > 0 ? ` — ${hours(hoursPerWeek)}/week, one credential after another.` : ".",
      ],
    },
  ];
  for (const s of steps) {
    const what =
      s.outcome === "created"
        ? `target ${dateText(s.targetDate!)}${s.status === "paused" ? " (waits until the one before is done)" : ""}`
        : s.outcome === "already done"
          ? "already done"
          : "already a goal";
    blocks.push({ type: "context", text: [`${s.entry.title}: ${what}`] });
  }
  blocks.push({
    type: "actions",
    buttons: [{ label: "My goals", action: "goals.show", value: "{}" }],
  });
  return { summary: `Stack started: ${stack.title}`, blocks };
}

export function stackDefinedMessage(
  stack: { role: string; title: string },
  titles: string[],
  replaced: boolean,
): Message {
  return {
    summary: `Stack ${replaced ? "updated" : "defined"}: ${stack.title}`,
    blocks: [
      {
        type: "text",
        text: [`Stack ${replaced ? "updated" : "defined"} for `, { bold: stack.role }, ":"],
      },
      { type: "text", text: [titles.map((t, i) => `${i + 1}. ${t}`).join("\n")] },
    ],
  };
}

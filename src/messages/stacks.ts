import type { StackSummary } from "../domain/stacks/repository.ts";
import type { StackProgress, StartedStep } from "../domain/stacks/service.ts";
import { type Translator, translator } from "../i18n/index.ts";
import { payload, progressBlock } from "./goals.ts";
import type { Block, Button, Inline, Message } from "./model.ts";

const MARK = { completed: "✅", active: "▶️", paused: "⏸", dropped: "◻️" } as const;

function stepLine(step: StackProgress["steps"][number], i: number, t: Translator): Inline[] {
  const status = step.goal?.status;
  // The mark repeats the status in words below, so it is never the only sign of it.
  const line: Inline[] = [
    `${status ? MARK[status] : "◻️"} ${i + 1}. `,
    step.entry.url ? { link: step.entry.url, text: step.entry.title } : { bold: step.entry.title },
    ` · ${step.entry.provider} · ${t.hours(step.entry.estimatedHours)} · `,
  ];
  line.push(
    ...t.rich("stack.stepStatus", {
      status: status ?? "none",
      hours: t.hours(step.goal?.loggedHours ?? 0),
    }),
  );
  return line;
}

function stackButtons(progress: StackProgress, t: Translator): Button[] {
  const { stack, steps } = progress;
  const buttons: Button[] = [];
  if (steps.some((s) => !s.goal || s.goal.status === "dropped")) {
    buttons.push({
      label: t.t("stack.start"),
      action: "stack.start",
      value: payload({ s: stack.id }),
      style: "primary",
    });
  }
  const active = steps.some((s) => s.goal?.status === "active");
  const next = steps.find((s) => s.goal?.status === "paused");
  if (!active && next) {
    buttons.push({
      label: t.t("stack.resume", { title: next.entry.title }).slice(0, 75),
      action: "goal.resume",
      value: payload({ g: next.goal!.id }),
    });
  }
  return buttons;
}

/** A stack with where the person is in it, and what they can do next. */
export function stackMessage(progress: StackProgress, locale?: string): Message {
  const t = translator(locale);
  const { stack, steps, done } = progress;
  const blocks: Block[] = [{ type: "header", text: stack.title }];
  if (stack.description) blocks.push({ type: "text", text: [stack.description] });
  blocks.push({
    ...progressBlock(t.rich("stack.progress"), done, steps.length, locale, (tt, n) => tt.num(n)),
    caption: t.rich("stack.caption", { done, total: steps.length }),
  });
  steps.forEach((step, i) => {
    blocks.push({ type: "text", text: stepLine(step, i, t) });
  });
  const buttons = stackButtons(progress, t);
  if (buttons.length > 0) blocks.push({ type: "actions", buttons });
  const notStarted = steps.some((s) => !s.goal || s.goal.status === "dropped");
  if (done === steps.length && steps.length > 0) {
    blocks.push({ type: "context", text: t.rich("stack.allDone") });
  } else if (notStarted) {
    blocks.push({
      type: "context",
      text: t.rich("stack.startHint", { command: { command: `stack ${stack.role} 5h/week` } }),
    });
  }
  return {
    summary: t.t("stack.summary", { title: stack.title, done, total: steps.length }),
    blocks,
  };
}

export function stacksListMessage(stacks: readonly StackSummary[], locale?: string): Message {
  const t = translator(locale);
  if (stacks.length === 0) {
    return {
      summary: t.t("stack.noneSummary"),
      blocks: [
        { type: "text", text: t.rich("stack.none") },
        {
          type: "context",
          text: t.rich("stack.defineHint", {
            command: { command: "stack define <role>: <credential>, <credential>" },
          }),
        },
      ],
    };
  }
  const blocks: Block[] = [{ type: "header", text: t.t("stack.listHeader") }];
  for (const s of stacks) {
    blocks.push({
      type: "text",
      text: t.rich("stack.listLine", {
        title: s.title,
        role: s.role,
        count: s.credentialIds.length,
      }),
    });
    blocks.push({
      type: "actions",
      buttons: [{ label: t.t("stack.view"), action: "stack.show", value: payload({ s: s.id }) }],
    });
  }
  return { summary: t.t("stack.listSummary", { count: stacks.length }), blocks };
}

export function stackStartedMessage(
  stack: StackSummary,
  steps: StartedStep[],
  hoursPerWeek: number,
  locale?: string,
): Message {
  const t = translator(locale);
  const created = steps.filter((s) => s.outcome === "created");
  const blocks: Block[] = [
    {
      type: "text",
      text: t.rich(created.length > 0 ? "stack.started" : "stack.nothingNew", {
        title: stack.title,
        perWeek: t.hours(hoursPerWeek),
      }),
    },
  ];
  for (const s of steps) {
    const outcome =
      s.outcome === "created"
        ? s.status === "paused"
          ? "waits"
          : "created"
        : s.outcome === "already done"
          ? "done"
          : "goal";
    blocks.push({
      type: "context",
      text: t.rich("stack.stepOutcome", {
        title: s.entry.title,
        outcome,
        date: s.targetDate ? t.shortDate(s.targetDate, true) : "",
      }),
    });
  }
  blocks.push({
    type: "actions",
    buttons: [{ label: t.t("stack.myGoals"), action: "goals.show", value: "{}" }],
  });
  return { summary: t.t("stack.startedSummary", { title: stack.title }), blocks };
}

export function stackDefinedMessage(
  stack: { role: string; title: string },
  titles: string[],
  replaced: boolean,
  locale?: string,
): Message {
  const t = translator(locale);
  const values = { replaced: replaced ? "yes" : "no", title: stack.title, role: stack.role };
  return {
    summary: t.t("stack.definedSummary", values),
    blocks: [
      { type: "text", text: t.rich("stack.defined", values) },
      { type: "text", text: [titles.map((title, i) => `${i + 1}. ${title}`).join("\n")] },
    ],
  };
}

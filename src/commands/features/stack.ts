import Fuse from "fuse.js";
import { writeAudit } from "../../domain/audit/log.ts";
import type { CatalogEntry } from "../../domain/catalog/repository.ts";
import { matchCredential } from "../../domain/catalog/search.ts";
import { OrgService } from "../../domain/org/service.ts";
import { extractSkills, normalise, vocabulary } from "../../domain/recommendations/vocabulary.ts";
import { StackRepository, type StackSummary } from "../../domain/stacks/repository.ts";
import { canDefineStacks, StackService } from "../../domain/stacks/service.ts";
import type { MessageKey, MessageValues, Translator } from "../../i18n/index.ts";
import { tr } from "../../messages/goals.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import {
  stackDefinedMessage,
  stackMessage,
  stackStartedMessage,
  stacksListMessage,
} from "../../messages/stacks.ts";
import type { Feature, FeatureDeps, Session } from "../feature.ts";
import { int, num, problemIn } from "../feature.ts";
import { MAX_HOURS_PER_WEEK } from "../grammar.ts";

const HOURS_PER_WEEK =
  /(?:^|\s)(\d+(?:[.,]\d+)?)\s*(?:h|hrs?|hours?)\s*(?:\/\s*|per\s+|a\s+)(?:w|wk|week)\b/i;
const MAX_ROLE = 80;
const DEFINE_USAGE = "stack define <role>: <credential>, <credential>, …";

/** The stack a person means by a role: its name, an alias of that role, or a near spelling. */
export function findStack(stacks: StackSummary[], text: string): StackSummary | undefined {
  const q = normalise(text);
  const exact = stacks.find((s) => normalise(s.role) === q || normalise(s.title) === q);
  if (exact) return exact;
  const roles = extractSkills(text, vocabulary()).roles.flatMap((r) => r.aliases);
  const byRole = stacks.find((s) => roles.includes(normalise(s.role)));
  if (byRole) return byRole;
  const [best] = new Fuse(stacks, {
    includeScore: true,
    ignoreLocation: true,
    threshold: 0.35,
    keys: ["role", "title"],
  }).search(text);
  return best?.item;
}

const problem = (
  s: Session,
  key: MessageKey,
  values: MessageValues = {},
  usage: string | null = "stack <role>",
) => problemIn(s, key, values, usage);

/** `stack [role] [N h/week]`, `stack define …`, and the Start this stack button. */
export function stackFeature(deps: FeatureDeps): Feature {
  const stacks = new Stacks(deps);
  return {
    name: "stack",
    commands: [
      {
        name: "stack",
        aliases: ["stacks", "pathway"],
        usage: "stack [role] [<N>h/week]",
        description: "Credentials to take in order for a role, with your progress",
        run: (s, args) =>
          /^define\b/i.test(args)
            ? stacks.define(s, args.replace(/^define\s*/i, ""))
            : stacks.stack(s, args),
      },
    ],
    actions: {
      "stack.show": async (s, p) => {
        const stack = await stacks.find(int(p.s));
        return stack ? stacks.show(s, stack) : problem(s, "stack.gone");
      },
      "stack.start": async (s, p) => {
        const id = int(p.s);
        if (!id) return problem(s, "error.expired");
        const h = num(p.h);
        return stacks.start(s, id, h && h > 0 && h <= MAX_HOURS_PER_WEEK ? h : null);
      },
    },
  };
}

class Stacks {
  private readonly org: OrgService;
  private readonly repo: StackRepository;
  private readonly service: StackService;

  constructor(private readonly deps: FeatureDeps) {
    this.org = new OrgService(deps.db, deps.clock, deps.admins);
    this.repo = new StackRepository(deps.db);
    this.service = new StackService(deps.db, deps.goals.repo, deps.clock);
  }

  async find(id: number | null): Promise<StackSummary | undefined> {
    return (await this.repo.all()).find((x) => x.id === id);
  }

  /** `stack [role] [N h/week]`: every stack, or one with the person's progress. */
  async stack(s: Session, args: string): Promise<Reply> {
    let text = args;
    let hours: number | null = null;
    const hpw = HOURS_PER_WEEK.exec(text);
    if (hpw) {
      hours = Number(hpw[1]!.replace(",", "."));
      if (!(hours > 0) || hours > MAX_HOURS_PER_WEEK) {
        return problem(s, "stack.hoursRange", { max: MAX_HOURS_PER_WEEK });
      }
      text = `${text.slice(0, hpw.index)} ${text.slice(hpw.index + hpw[0].length)}`.trim();
    }
    const stacks = await this.repo.all();
    if (!text) return privateReply(stacksListMessage(stacks, s.ctx.locale));
    const stack = findStack(stacks, text.slice(0, MAX_ROLE * 2));
    if (!stack) return noStack(stacks, text, tr(s.ctx));
    const reply = await this.show(s, stack);
    return hours === null ? reply : withHours(reply, hours);
  }

  async show(s: Session, stack: StackSummary): Promise<Reply> {
    const progress = await this.service.progress(s.user, stack, await this.catalogById());
    return privateReply(stackMessage(progress, s.ctx.locale));
  }

  async start(s: Session, stackId: number, hours: number | null): Promise<Reply> {
    const stack = await this.find(stackId);
    if (!stack) return problem(s, "stack.gone");
    const progress = await this.service.progress(s.user, stack, await this.catalogById());
    const weekly = hours ?? (await this.service.weeklyHours(s.user));
    const result = await this.service.start(s.user, progress, weekly);
    if ("error" in result) return problem(s, "stack.justStarted", {}, "goals");
    return privateReply(stackStartedMessage(stack, result.steps, weekly, s.ctx.locale));
  }

  /** `stack define <role>: <credential>, …` (admins): a stack of catalog credentials, in order. */
  async define(s: Session, args: string): Promise<Reply> {
    if (!(await canDefineStacks(this.org, s.user))) {
      return problem(s, "stack.adminsOnly", {}, null);
    }
    const colon = args.indexOf(":");
    if (colon < 0) return problem(s, "stack.colon", {}, DEFINE_USAGE);
    const role = args.slice(0, colon).replace(/\s+/g, " ").trim().toLowerCase();
    const names = args
      .slice(colon + 1)
      .split(/\s*(?:,|;|→|->|>)\s*/)
      .map((n) => n.trim())
      .filter(Boolean);
    if (!role || role.length > MAX_ROLE)
      return problem(s, "stack.roleName", { max: MAX_ROLE }, DEFINE_USAGE);
    if (names.length === 0) return problem(s, "stack.listOne", {}, DEFINE_USAGE);
    const picked = pickCredentials(await this.deps.catalog.all(), names);
    if ("problem" in picked) return problem(s, picked.problem, picked.values, DEFINE_USAGE);
    const credentialIds = picked.map((p) => p.id);
    const saved = await this.deps.db.transaction().execute(async (trx) => {
      const done = await new StackRepository(trx).define({
        role,
        title: null,
        description: null,
        credentialIds,
      });
      await writeAudit(trx, {
        workspaceId: s.user.workspace_id,
        actorId: s.user.id,
        action: "stack.define",
        scope: role,
        subjectIds: [],
        detail: { credentials: credentialIds, replaced: done.replaced },
        at: this.deps.clock.now(),
      });
      return done;
    });
    return privateReply(
      stackDefinedMessage(
        { role, title: saved.title },
        picked.map((p) => p.title),
        saved.replaced,
        s.ctx.locale,
      ),
    );
  }

  private async catalogById(): Promise<Map<number, CatalogEntry>> {
    return new Map((await this.deps.catalog.all()).map((e) => [e.id, e]));
  }
}

/** The catalog entry of each name, in order, or what is wrong with the first that has none. */
function pickCredentials(
  entries: CatalogEntry[],
  names: string[],
): CatalogEntry[] | { problem: MessageKey; values: MessageValues } {
  const picked: CatalogEntry[] = [];
  for (const name of names) {
    const match = matchCredential(entries, name);
    if (match.kind === "none") return { problem: "stack.noMatch", values: { name } };
    if (match.kind === "ambiguous") {
      const options = match.candidates
        .slice(0, 3)
        .map((c) => c.title)
        .join("; ");
      return { problem: "stack.ambiguous", values: { name, options } };
    }
    if (picked.some((p) => p.id === match.entry.id)) {
      return { problem: "stack.twice", values: { title: match.entry.title } };
    }
    picked.push(match.entry);
  }
  return picked;
}

/** The stacks there are, when none fits what the person typed. */
function noStack(stacks: StackSummary[], text: string, t: Translator): Reply {
  const list = stacksListMessage(stacks, t.locale);
  return privateReply({
    ...list,
    summary: t.t("stack.noStackSummary", { query: text }),
    blocks: [
      { type: "text", text: t.rich("stack.noStack", { query: text.slice(0, 60) }) },
      ...list.blocks.filter((b) => b.type !== "header"),
    ],
  });
}

/** Carries the hours a person typed into the Start this stack button. */
function withHours(reply: Reply, hours: number): Reply {
  if (reply.kind !== "message") return reply;
  const blocks = reply.message.blocks.map((b) =>
    b.type === "actions"
      ? {
          ...b,
          buttons: b.buttons.map((x) =>
            x.action === "stack.start"
              ? { ...x, value: JSON.stringify({ ...JSON.parse(x.value), h: hours }) }
              : x,
          ),
        }
      : b,
  );
  return { ...reply, message: { ...reply.message, blocks } };
}

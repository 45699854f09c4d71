import type { OrgService } from "../../domain/org/service.ts";
import { erasePerson } from "../../domain/privacy/erase.ts";
import { exportPerson, progressCsv } from "../../domain/privacy/export.ts";
import { takeLimit } from "../../domain/privacy/limits.ts";
import { problemMessage } from "../../messages/goals.ts";
import { type Attachment, privateReply, type Reply } from "../../messages/model.ts";
import { textMessage } from "../../messages/org.ts";
import {
  ERASE_WORD,
  eraseAskMessage,
  eraseForm,
  exportMessage,
  rateLimitedMessage,
} from "../../messages/privacy.ts";
import type { FeatureDeps, FeatureFactory, Session } from "../feature.ts";
import { tokenize } from "./org-grammar.ts";

const json = (data: unknown) => new TextEncoder().encode(JSON.stringify(data, null, 2));

/** `/learn my data` and `/learn delete my data`: a copy of everything, or erasing it. */
export const privacyFeature: FeatureFactory = (deps: FeatureDeps) => {
  const exportData = async (s: Session): Promise<Reply> => {
    const now = deps.clock.now();
    const limit = await takeLimit(deps.db, s.user.id, "export", now);
    if (!limit.ok) return privateReply(rateLimitedMessage("export", limit));
    const data = await exportPerson(deps.db, s.user.id, now);
    if (!data) return privateReply(textMessage("Stackup holds nothing about you."));
    const stamp = now.toISOString().slice(0, 10);
    const files: Attachment[] = [
      {
        filename: `stackup-my-data-${stamp}.json`,
        contentType: "application/json",
        data: json(data),
        title: "Your data",
      },
      {
        filename: `stackup-my-progress-${stamp}.csv`,
        contentType: "text/csv",
        data: new TextEncoder().encode(progressCsv(data)),
        title: "Your progress",
      },
    ];
    return privateReply(exportMessage(data, files, s.ctx));
  };

  return {
    name: "privacy",
    commands: [
      {
        name: "my",
        usage: "my data",
        description: "Get a copy of everything Stackup holds about you.",
        async run(s, args) {
          if (!/^data$/i.test(args.trim()))
            return privateReply(problemMessage("Did you mean your data?", "my data"));
          return exportData(s);
        },
      },
      {
        name: "delete",
        usage: "delete my data",
        description: "Erase everything Stackup holds about you.",
        async run(_s, args) {
          if (!/^my\s+data$/i.test(args.trim()))
            return privateReply(
              problemMessage("Only your own data can be deleted here.", "delete my data"),
            );
          return privateReply(eraseAskMessage());
        },
      },
    ],
    actions: {
      "privacy.erase": async () => ({ kind: "form", form: eraseForm() }),
    },
    forms: {
      "privacy.erase": async (s, _state, values) => {
        if ((values.confirm ?? "").trim().toUpperCase() !== ERASE_WORD)
          return { ok: false, errors: { confirm: `Type ${ERASE_WORD} to delete your data.` } };
        await erasePerson(deps.db, s.user.id, {
          workspaceId: s.user.workspace_id,
          actorId: s.user.id,
          action: "privacy.erase",
          scope: "self",
          at: deps.clock.now(),
        });
        return {
          ok: true,
          reply: privateReply(
            textMessage("Your data is deleted. If you use Stackup again, it starts from nothing."),
          ),
        };
      },
    },
  };
};

export const FORGET_USAGE = "admin forget @person";

/** `/learn admin forget @person`: erases someone who has left. The caller checked the role. */
export function forgetAdmin(deps: FeatureDeps, org: OrgService) {
  return async (s: Session, args: string): Promise<Reply> => {
    const problem = (m: string) => privateReply(problemMessage(m, FORGET_USAGE));
    const tokens = tokenize(args);
    const person = tokens[0];
    if (tokens.length !== 1 || person?.kind !== "person")
      return problem("Name one person to forget, with @ or their email.");
    const found = await org.resolve(s.user.workspace_id, [person.ref]);
    if (!found.ok) return problem("I don't know that person in this workspace (or several match).");
    const target = found.people[0]!;
    if (target.id === s.user.id) return problem("To erase your own data, use delete my data.");
    await erasePerson(deps.db, target.id, {
      workspaceId: s.user.workspace_id,
      actorId: s.user.id,
      action: "privacy.forget",
      scope: "admin",
      at: deps.clock.now(),
    });
    return privateReply(
      textMessage(`${target.displayName} and everything Stackup held about them are erased.`),
    );
  };
}

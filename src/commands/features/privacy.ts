import type { OrgService } from "../../domain/org/service.ts";
import { erasePerson } from "../../domain/privacy/erase.ts";
import { exportPerson, PROGRESS_COLUMNS, progressCsv } from "../../domain/privacy/export.ts";
import { takeLimit } from "../../domain/privacy/limits.ts";
import type { MessageKey } from "../../i18n/index.ts";
import { tr } from "../../messages/goals.ts";
import { type Attachment, privateReply, type Reply } from "../../messages/model.ts";
import { textMessage } from "../../messages/org.ts";
import {
  ERASE_WORD,
  eraseAskMessage,
  eraseForm,
  exportMessage,
  rateLimitedMessage,
} from "../../messages/privacy.ts";
import { csvHeader } from "../../messages/report.ts";
import { type FeatureDeps, type FeatureFactory, problemIn, type Session } from "../feature.ts";
import { tokenize } from "./org-grammar.ts";

const json = (data: unknown) => new TextEncoder().encode(JSON.stringify(data, null, 2));

/** `/learn my data` and `/learn delete my data`: a copy of everything, or erasing it. */
export const privacyFeature: FeatureFactory = (deps: FeatureDeps) => {
  const exportData = async (s: Session): Promise<Reply> => {
    const now = deps.clock.now();
    const limit = await takeLimit(deps.db, s.user.id, "export", now);
    if (!limit.ok) return privateReply(rateLimitedMessage("export", limit, s.ctx.locale));
    const t = tr(s.ctx);
    const data = await exportPerson(deps.db, s.user.id, now);
    if (!data) return privateReply(textMessage(t.t("privacy.holdsNothing")));
    const stamp = now.toISOString().slice(0, 10);
    const files: Attachment[] = [
      {
        filename: `stackup-my-data-${stamp}.json`,
        contentType: "application/json",
        data: json(data),
        title: t.t("privacy.dataFile"),
      },
      {
        filename: `stackup-my-progress-${stamp}.csv`,
        contentType: "text/csv",
        data: new TextEncoder().encode(
          progressCsv(data, csvHeader(PROGRESS_COLUMNS, s.ctx.locale)),
        ),
        title: t.t("privacy.progressFile"),
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
          if (!/^data$/i.test(args.trim())) return problemIn(s, "privacy.meantData", {}, "my data");
          return exportData(s);
        },
      },
      {
        name: "delete",
        usage: "delete my data",
        description: "Erase everything Stackup holds about you.",
        async run(s, args) {
          if (!/^my\s+data$/i.test(args.trim()))
            return problemIn(s, "privacy.onlyOwnData", {}, "delete my data");
          return privateReply(eraseAskMessage(s.ctx.locale));
        },
      },
    ],
    actions: {
      "privacy.erase": async (s) => ({ kind: "form", form: eraseForm(s.ctx.locale) }),
    },
    forms: {
      "privacy.erase": async (s, _state, values) => {
        if ((values.confirm ?? "").trim().toUpperCase() !== ERASE_WORD)
          return {
            ok: false,
            errors: { confirm: tr(s.ctx).t("privacy.eraseTypeToConfirm", { word: ERASE_WORD }) },
          };
        await erasePerson(deps.db, s.user.id, {
          workspaceId: s.user.workspace_id,
          actorId: s.user.id,
          action: "privacy.erase",
          scope: "self",
          at: deps.clock.now(),
        });
        return {
          ok: true,
          reply: privateReply(textMessage(tr(s.ctx).t("privacy.erased"))),
        };
      },
    },
  };
};

export const FORGET_USAGE = "admin forget @person";

/** `/learn admin forget @person`: erases someone who has left. The caller checked the role. */
export function forgetAdmin(deps: FeatureDeps, org: OrgService) {
  return async (s: Session, args: string): Promise<Reply> => {
    const problem = (key: MessageKey) => problemIn(s, key, {}, FORGET_USAGE);
    const tokens = tokenize(args);
    const person = tokens[0];
    if (tokens.length !== 1 || person?.kind !== "person") return problem("privacy.forgetWho");
    const found = await org.resolve(s.user.workspace_id, [person.ref]);
    if (!found.ok) return problem("privacy.forgetUnknown");
    const target = found.people[0]!;
    if (target.id === s.user.id)
      return problemIn(
        s,
        "privacy.forgetSelf",
        { command: { command: "delete my data" } },
        FORGET_USAGE,
      );
    await erasePerson(deps.db, target.id, {
      workspaceId: s.user.workspace_id,
      actorId: s.user.id,
      action: "privacy.forget",
      scope: "admin",
      at: deps.clock.now(),
    });
    return privateReply(
      textMessage(tr(s.ctx).t("privacy.forgotten", { name: target.displayName })),
    );
  };
}

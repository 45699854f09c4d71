import { VerificationRepository } from "../../domain/verification/repository.ts";
import { confirmBadge } from "../../domain/verification/service.ts";
import { translator } from "../../i18n/index.ts";
import { privateReply } from "../../messages/model.ts";
import { showcaseMessage } from "../../messages/verification.ts";
import type { Feature, FeatureDeps } from "../feature.ts";

/** `/learn showcase`: completed credentials with LinkedIn "Add to profile" links and résumé lines. */
export function showcaseFeature(deps: FeatureDeps): Feature {
  const verification = new VerificationRepository(deps.db);
  return {
    name: "showcase",
    commands: [
      {
        name: "showcase",
        usage: "showcase",
        description: "Your completed credentials, ready for LinkedIn and your résumé",
        async run(session) {
          const records = await verification.completedForUser(session.user.id);
          return privateReply(showcaseMessage(records, session.ctx.locale));
        },
      },
      {
        name: "confirm",
        usage: "confirm <goal>",
        description: "Confirm that the badge you shared is what your own goal was about",
        async run(session, args) {
          const done = await confirmBadge(
            deps.db,
            deps.jobs,
            session.user.id,
            args,
            deps.clock.now(),
          );
          const t = translator(session.ctx.locale);
          if (!done) {
            return privateReply({
              summary: t.t("confirm.none"),
              blocks: [{ type: "text", text: t.rich("confirm.noneText") }],
            });
          }
          const badge = done.badgeName ?? "";
          return privateReply({
            summary: t.t("confirm.summary", { title: done.goalTitle }),
            blocks: [
              {
                type: "text",
                text: t.rich("confirm.checking", {
                  badge,
                  hasBadge: badge ? "yes" : "no",
                  title: done.goalTitle,
                }),
              },
            ],
          });
        },
      },
    ],
  };
}

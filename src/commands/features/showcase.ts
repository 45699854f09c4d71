import { VerificationRepository } from "../../domain/verification/repository.ts";
import { confirmBadge } from "../../domain/verification/service.ts";
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
          if (!done) {
            return privateReply({
              summary: "No badge waits for a confirmation.",
              blocks: [
                {
                  type: "text",
                  text: [
                    "None of your completed goals has a badge waiting for you to confirm it. ",
                    "A badge needs your word only when your goal is not from the catalog.",
                  ],
                },
              ],
            });
          }
          return privateReply({
            summary: `Confirmed: ${done.goalTitle}`,
            blocks: [
              {
                type: "text",
                text: [
                  "Thanks. I'm checking ",
                  { bold: done.badgeName ?? "the badge" },
                  " for ",
                  { bold: done.goalTitle },
                  " once more and will message you; if it holds, it shows as verified under the badge's own name.",
                ],
              },
            ],
          });
        },
      },
    ],
  };
}

import { showcaseMessage } from "../../domain/verification/messages.ts";
import { VerificationRepository } from "../../domain/verification/repository.ts";
import { privateReply } from "../../messages/model.ts";
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
          return privateReply(showcaseMessage(records));
        },
      },
    ],
  };
}

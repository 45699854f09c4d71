import { recommend } from "../../domain/recommendations/recommend.ts";
import { vocabulary } from "../../domain/recommendations/vocabulary.ts";
import { StackRepository } from "../../domain/stacks/repository.ts";
import { tr } from "../../messages/goals.ts";
import { privateReply } from "../../messages/model.ts";
import { MAX_RECOMMEND_TEXT, recommendForm, recommendMessage } from "../../messages/recommend.ts";
import type { Feature, FeatureDeps } from "../feature.ts";

/** `recommend <role, title or job description>`: credentials that teach what it asks for. */
export function recommendFeature(deps: FeatureDeps): Feature {
  const stacks = new StackRepository(deps.db);

  async function answer(text: string, locale?: string) {
    const [entries, allStacks] = await Promise.all([deps.catalog.all(), stacks.all()]);
    const rec = recommend(text, entries, allStacks, vocabulary());
    return privateReply(recommendMessage(rec, text, locale));
  }

  return {
    name: "recommend",
    commands: [
      {
        name: "recommend",
        aliases: ["suggest"],
        usage: "recommend <role, job title or pasted job description>",
        description: "Credentials that teach what a role asks for",
        async run(s, args) {
          const text = args.replace(/<(https?:\/\/[^|>\s]+)(?:\|[^>]*)?>/gi, "$1").trim();
          if (!text) return { kind: "form", form: recommendForm(s.ctx.locale) };
          return answer(text, s.ctx.locale);
        },
      },
    ],
    actions: {
      "recommend.open": async (s) => ({ kind: "form", form: recommendForm(s.ctx.locale) }),
    },
    forms: {
      "recommend.text": async (s, _state, values) => {
        const text = values.text?.trim() ?? "";
        if (!text) return { ok: false, errors: { text: tr(s.ctx).t("recommend.errorEmpty") } };
        if (text.length > MAX_RECOMMEND_TEXT) {
          const error = tr(s.ctx).t("recommend.errorLong", { max: MAX_RECOMMEND_TEXT });
          return { ok: false, errors: { text: error } };
        }
        return { ok: true, reply: await answer(text, s.ctx.locale) };
      },
    },
  };
}

import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import {
  parseLanguage,
  unknownLanguageMessage,
  workspaceLanguageMessage,
} from "../../messages/language.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import type { FeatureDeps, Session } from "../feature.ts";

/**
 * `admin language <code>|off`: the workspace's default language, for people whose platform names
 * none Stackup speaks and for channel messages. The caller has checked the person is an admin.
 */
export function languageAdmin(deps: FeatureDeps) {
  return async (s: Session, args: string): Promise<Reply> => {
    const viewer = s.ctx.locale ?? DEFAULT_LOCALE;
    const parsed = parseLanguage(args);
    if (!args.trim() || !parsed.ok) {
      return privateReply(unknownLanguageMessage(args.trim().slice(0, 40), viewer));
    }
    await deps.users.setWorkspaceLocale(s.user.workspace_id, parsed.locale);
    return privateReply(workspaceLanguageMessage(parsed.locale, viewer));
  };
}

import type { Kysely } from "kysely";
import type { Database } from "../src/db/types.ts";
import { LOCALES, PSEUDO_LOCALE } from "../src/i18n/index.ts";
import { type SlackStandIn, TEAM_ID } from "./slack/standin.ts";
import { aadObjectIdOf } from "./teams/identity.ts";
import { TENANT_ID } from "./teams/standin.ts";

/** A catalogue's language with its likeliest region ("de" → "de-DE"), as Slack clients report it. */
function asSlackReports(code: string): string {
  const full = new Intl.Locale(code).maximize();
  return full.region ? `${full.language}-${full.region}` : full.language;
}

/**
 * The languages the pretend person can switch their Slack to: every catalogue, and the
 * pseudo-locale that shows text which bypasses the catalogue.
 */
export const PICKER_LOCALES: readonly string[] = [...LOCALES.map(asSlackReports), PSEUDO_LOCALE];

export class UnknownLanguageError extends Error {
  constructor(locale: string) {
    super(
      `The playground doesn't offer "${locale.slice(0, 20)}"; pick one of ${PICKER_LOCALES.join(", ")}.`,
    );
  }
}

/**
 * Switches the pretend person's language (empty: none): Slack's users.info and the Teams view's
 * activities report it from then on. Stackup reads a profile again once a day; the stored ones
 * are marked stale, as for people first met by a mention, so the change shows from the person's
 * next command or click rather than a day later.
 */
export async function switchLanguage(
  standin: SlackStandIn,
  db: Kysely<Database>,
  userId: string,
  locale: string,
): Promise<boolean> {
  if (locale && !PICKER_LOCALES.includes(locale)) throw new UnknownLanguageError(locale);
  if (!standin.setUserLocale(userId, locale || undefined)) return false;
  const accounts = [
    { platform: "slack" as const, workspace: TEAM_ID, user: userId },
    { platform: "teams" as const, workspace: TENANT_ID, user: aadObjectIdOf(userId) },
  ];
  for (const account of accounts) {
    await db
      .updateTable("users")
      .set({ updated_at: new Date(0) })
      .where("platform_user_id", "=", account.user)
      .where("workspace_id", "in", (eb) =>
        eb
          .selectFrom("workspaces")
          .select("id")
          .where("platform", "=", account.platform)
          .where("external_id", "=", account.workspace),
      )
      .execute();
  }
  return true;
}

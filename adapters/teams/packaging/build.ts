import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { zipSync } from "fflate";

/**
 * Builds the zip Teams accepts for upload: manifest.json with its placeholders filled, and the
 * two icons, all at the root of the archive.
 *
 *   MicrosoftAppId=<bot's app id> npm run teams:package
 *
 * Optional: TEAMS_APP_ID (the Teams app's own id; defaults to the bot's app id),
 * STACKUP_WEBSITE_URL (https; the developer and terms links hang off it, and the privacy link
 * unless PUBLIC_URL is set, when it is Stackup's own /privacy) and PUBLIC_URL
 * (where Stackup runs; adds the Home tab and its sign-in, which need it).
 * This is a build step, not the service, so it reads these few variables itself.
 */

export const APP_PACKAGE_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../appPackage",
);
export const PACKAGE_FILES = ["manifest.json", "color.png", "outline.png"] as const;
const DEFAULT_WEBSITE = "https://stackup.example.com";
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

export interface PackageValues {
  /** The bot's Microsoft App ID (the Azure Bot resource's app registration). */
  microsoftAppId: string;
  teamsAppId?: string | undefined;
  websiteUrl?: string | undefined;
  /** Where Stackup is reached; without it the package has no Home tab. */
  publicUrl?: string | undefined;
}

/** The manifest without the Home tab and its SSO, for a Stackup without a public address. */
function withoutTab(template: string): string {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(template) as Record<string, unknown>;
  } catch {
    return template;
  }
  manifest.staticTabs = (manifest.staticTabs as { entityId: string }[] | undefined)?.filter(
    (tab) => tab.entityId !== "home",
  );
  delete manifest.webApplicationInfo;
  manifest.validDomains = [];
  return JSON.stringify(manifest, null, 2);
}

/** Replaces every {{NAME}} in the manifest; a placeholder without a value is an error. */
export function fillManifest(template: string, values: PackageValues): string {
  const teamsAppId = values.teamsAppId ?? values.microsoftAppId;
  for (const [name, id] of [
    ["MicrosoftAppId", values.microsoftAppId],
    ["TEAMS_APP_ID", teamsAppId],
  ] as const) {
    if (!GUID.test(id)) throw new Error(`${name} must be a GUID (got "${id}").`);
  }
  const website = (values.websiteUrl ?? DEFAULT_WEBSITE).replace(/\/+$/, "");
  if (!/^https:\/\/[^\s"\\]+$/.test(website)) {
    throw new Error("STACKUP_WEBSITE_URL must be an https URL.");
  }
  const publicUrl = values.publicUrl?.replace(/\/+$/, "");
  if (publicUrl !== undefined && !/^https:\/\/[^\s"\\/?#]+(\/[^\s"\\?#]*)?$/.test(publicUrl)) {
    throw new Error("PUBLIC_URL must be an https URL.");
  }
  const byName: Record<string, string> = {
    MicrosoftAppId: values.microsoftAppId,
    TEAMS_APP_ID: teamsAppId,
    STACKUP_WEBSITE_URL: website,
    // Stackup's own privacy page (GET /privacy) says what this installation stores.
    PRIVACY_URL: `${publicUrl ?? website}/privacy`,
    ...(publicUrl ? { PUBLIC_URL: publicUrl, PUBLIC_HOST: new URL(publicUrl).host } : {}),
  };
  return (publicUrl ? template : withoutTab(template)).replace(
    /\{\{(\w+)\}\}/g,
    (_, name: string) => {
      const value = byName[name];
      if (value === undefined)
        throw new Error(`The manifest has an unknown placeholder {{${name}}}.`);
      return value;
    },
  );
}

/** The upload zip as bytes. */
export function buildPackage(values: PackageValues, dir = APP_PACKAGE_DIR): Uint8Array {
  const manifest = fillManifest(readFileSync(path.join(dir, "manifest.json"), "utf8"), values);
  JSON.parse(manifest);
  return zipSync(
    {
      "manifest.json": new TextEncoder().encode(manifest),
      "color.png": readFileSync(path.join(dir, "color.png")),
      "outline.png": readFileSync(path.join(dir, "outline.png")),
    },
    { level: 9, mtime: new Date("2026-01-01T00:00:00Z") },
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const microsoftAppId = process.env.MicrosoftAppId?.trim();
  if (!microsoftAppId) {
    console.error("Set MicrosoftAppId to the bot's Microsoft App ID, then run this again.");
    process.exit(1);
  }
  try {
    const zip = buildPackage({
      microsoftAppId,
      teamsAppId: process.env.TEAMS_APP_ID?.trim() || undefined,
      websiteUrl: process.env.STACKUP_WEBSITE_URL?.trim() || undefined,
      publicUrl: process.env.PUBLIC_URL?.trim() || undefined,
    });
    const out = path.resolve("dist", "stackup-teams.zip");
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, zip);
    console.log(`Wrote ${path.relative(process.cwd(), out)} (${zip.length} bytes).`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}

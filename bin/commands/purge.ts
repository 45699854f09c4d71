import type { Kysely } from "kysely";
import type { Database } from "../../src/db/types.ts";
import { purgeWorkspace } from "../../src/domain/privacy/erase.ts";
import { parseCommandArgs } from "./args.ts";

export interface PurgeDeps {
  db: Kysely<Database>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const USAGE =
  "usage: stackup purge --workspace ID\n" +
  "  Deletes a workspace and everything Stackup holds about its people, at once and for good.\n" +
  "  ID is the Slack team id or Teams tenant id.";

/** `stackup purge --workspace ID`. Exit codes: 0 purged, 1 no such workspace, 2 usage. */
export async function purgeCommand(argv: string[], deps: PurgeDeps): Promise<number> {
  const { stdout, stderr } = deps;
  const args = parseCommandArgs(argv, { workspace: { type: "string" } });
  if (args.kind === "help") {
    stdout(USAGE);
    return 0;
  }
  if (args.kind === "error") {
    stderr(`purge: ${args.message}\n${USAGE}`);
    return 2;
  }
  const workspace = (args.values.workspace as string | undefined)?.trim();
  if (!workspace || args.positionals.length > 0) {
    stderr(
      `${workspace ? `unexpected: ${args.positionals.join(" ")}` : "purge needs --workspace ID."}\n${USAGE}`,
    );
    return 2;
  }
  const found = await deps.db
    .selectFrom("workspaces")
    .where("external_id", "=", workspace)
    .select(["id", "platform", "name"])
    .execute();
  if (found.length === 0) {
    stderr(`No workspace ${workspace}: nothing was deleted.`);
    return 1;
  }
  for (const ws of found) {
    await purgeWorkspace(deps.db, ws.id);
    stdout(`Purged ${ws.platform} workspace ${workspace}${ws.name ? ` (${ws.name})` : ""}.`);
  }
  return 0;
}

import { purgeWorkspace } from "../../src/domain/privacy/erase.ts";
import { type CommandDeps, commandArgs } from "./args.ts";

const USAGE =
  "usage: stackup purge --workspace ID\n" +
  "  Deletes a workspace and everything Stackup holds about its people, at once and for good.\n" +
  "  ID is the Slack team id or Teams tenant id.";

/** `stackup purge --workspace ID`. Exit codes: 0 purged, 1 no such workspace, 2 usage. */
export async function purgeCommand(argv: string[], deps: CommandDeps): Promise<number> {
  const { stdout, stderr } = deps;
  const options = { workspace: { type: "string" } } as const;
  const args = commandArgs(argv, options, { name: "purge", usage: USAGE }, deps);
  if (typeof args === "number") return args;
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

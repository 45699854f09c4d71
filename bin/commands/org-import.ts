import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { importOrg, type LineError, parseOrgCsv } from "../../src/domain/org/import.ts";
import { type CommandDeps, commandArgs } from "./args.ts";

const USAGE =
  "usage: stackup org import FILE.csv [--workspace ID]\n" +
  "  FILE.csv has the columns email, team, manager_email and role (member, manager or admin),\n" +
  "  and optionally channel: the team's digest channel (a Slack channel id, or a Teams channel\n" +
  "  id or its link from Get link to channel) and language: its digest's language (de, pt-BR…);\n" +
  "  blank cells leave things as they are. People\n" +
  "  must have used Stackup once. --workspace is the Slack team id or Teams tenant id; it may\n" +
  "  be left out when there is one workspace.";

/**
 * `stackup org import FILE.csv`; `argv` holds the arguments after "import".
 * Exit codes: 0 imported, 1 the file has errors (nothing imported), 2 usage or unreadable file.
 */
export async function orgImportCommand(argv: string[], deps: CommandDeps): Promise<number> {
  const { stdout, stderr } = deps;
  const options = { workspace: { type: "string" } } as const;
  const args = commandArgs(argv, options, { name: "org import", usage: USAGE }, deps);
  if (typeof args === "number") return args;
  const workspace = args.values.workspace as string | undefined;
  if (workspace !== undefined && workspace.trim() === "") {
    stderr(`--workspace needs an id.\n${USAGE}`);
    return 2;
  }
  const [file, ...extra] = args.positionals;
  if (!file || extra.length > 0) {
    stderr(
      `${file ? `unexpected: ${extra.join(" ")}` : "org import needs a file to read."}\n${USAGE}`,
    );
    return 2;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    stderr(
      `${file}: ${code === "ENOENT" ? "no such file" : code ? `cannot be read (${code})` : "is not UTF-8 text"}`,
    );
    return 2;
  }
  const workspaces = await deps.db
    .selectFrom("workspaces")
    .select(["id", "external_id"])
    .$if(workspace !== undefined, (q) => q.where("external_id", "=", workspace!))
    .execute();
  if (workspaces.length !== 1) {
    stderr(
      workspace
        ? `No workspace with id ${workspace}.`
        : workspaces.length === 0
          ? "No workspace yet: open Stackup in Slack or Teams first."
          : `There are ${workspaces.length} workspaces; choose one with --workspace ID (${workspaces.map((w) => w.external_id).join(", ")}).`,
    );
    return 2;
  }
  const parsed = parseOrgCsv(text);
  if (parsed.errors.length > 0) return reject(file, parsed.errors, stderr);
  if (parsed.rows.length === 0) {
    stderr(`${file}: has no rows to import.`);
    return 1;
  }
  const outcome = await importOrg(deps.db, workspaces[0]!.id, parsed.rows, {
    actorId: null,
    source: basename(file),
    at: new Date(),
  });
  if (!outcome.ok) return reject(file, outcome.errors, stderr);
  const c = outcome.counts;
  stdout(
    `${basename(file)}: imported ${c.people} ${c.people === 1 ? "person" : "people"}: ${c.teamsCreated} teams created, ${c.membershipsAdded} memberships added, ${c.managersSet} managers set, ${c.rolesSet} roles set.`,
  );
  return 0;
}

function reject(file: string, errors: LineError[], stderr: (s: string) => void): number {
  stderr(`${file}: ${errors.length} problem${errors.length === 1 ? "" : "s"}:`);
  for (const e of [...errors].sort((a, b) => a.line - b.line))
    stderr(`line ${e.line}: ${e.message}`);
  stderr("nothing imported");
  return 1;
}

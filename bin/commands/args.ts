import { type ParseArgsConfig, parseArgs } from "node:util";
import type { Kysely } from "kysely";
import type { Database } from "../../src/db/types.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

interface Args {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export type ParsedArgs =
  | { kind: "help" }
  | { kind: "error"; message: string }
  | ({ kind: "ok" } & Args);

/** What a command that works on the database gets: the database and where to write. */
export interface CommandDeps {
  db: Kysely<Database>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/**
 * The command's arguments, or its exit code when it has already answered: `--help` prints the
 * usage (0), a bad option the problem and the usage (2).
 */
export function commandArgs(
  argv: string[],
  options: Options,
  command: { name: string; usage: string },
  deps: Pick<CommandDeps, "stdout" | "stderr">,
): Args | number {
  const args = parseCommandArgs(argv, options);
  if (args.kind === "help") {
    deps.stdout(command.usage);
    return 0;
  }
  if (args.kind === "error") {
    deps.stderr(`${command.name}: ${args.message}\n${command.usage}`);
    return 2;
  }
  return args;
}

/**
 * One command's arguments through `node:util` parseArgs: an unknown option or a missing value is
 * an error, never ignored; `--help`/`-h` anywhere before `--` asks for the usage, even beside an
 * error. Positionals are left to the command, which knows how to explain them.
 */
export function parseCommandArgs(argv: string[], options: Options): ParsedArgs {
  const end = argv.indexOf("--");
  const flags = end >= 0 ? argv.slice(0, end) : argv;
  if (flags.includes("--help") || flags.includes("-h")) return { kind: "help" };
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options,
      strict: true,
      allowPositionals: true,
    });
    return { kind: "ok", values, positionals };
  } catch (error) {
    return { kind: "error", message: friendly(error) };
  }
}

function friendly(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? "";
  const option = /--[\w-]+/.exec(quoted)?.[0] ?? /-\w/.exec(quoted)?.[0];
  if (!option) return message;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${option}`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return /argument missing/.test(message)
      ? `${option} needs a value`
      : `${option} takes no value`;
  }
  return message;
}

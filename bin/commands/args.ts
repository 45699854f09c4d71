import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

export type ParsedArgs =
  | { kind: "help" }
  | { kind: "error"; message: string }
  | {
      kind: "ok";
      values: Record<string, string | boolean | (string | boolean)[] | undefined>;
      positionals: string[];
    };

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

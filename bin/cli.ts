import type { ParseArgsConfig } from "node:util";
import { type Config, ConfigError, loadConfig } from "../src/config.ts";
import { createLogger, type Logger } from "../src/log.ts";
import { parseCommandArgs } from "./commands/args.ts";
import type { Database } from "./runtime.ts";
import { packageVersion } from "./version.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

interface Context {
  config: Config;
  logger: Logger;
}

interface Command {
  /** The words after `stackup`. */
  name: string;
  synopsis: string;
  /** What `stackup <command> --help` prints under the synopsis. */
  help: string;
  options: Options;
  /** Checks positionals before the configuration is read; a string is the problem. */
  check?(values: Values, positionals: string[]): string | undefined;
  run(
    context: Context,
    args: { values: Values; positionals: string[]; argv: string[] },
  ): Promise<number>;
}

const out = (s: string) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
const err = (s: string) => process.stderr.write(s.endsWith("\n") ? s : `${s}\n`);

const ROLES = ["all", "web", "worker"] as const;

const noPositionals = (_: Values, positionals: string[]) =>
  positionals.length > 0 ? `unexpected argument ${positionals[0]}` : undefined;

const COMMANDS: Command[] = [
  {
    name: "start",
    synopsis: "stackup start [--role all|web|worker] [--demo]",
    help: `Runs the service until SIGTERM or SIGINT.
  --role all      HTTP and the scheduled jobs in one process (the default)
  --role web      HTTP only: Slack and Teams endpoints, /healthz, /readyz
  --role worker   the scheduled jobs only (check-ins, digests, badge checks)
  --demo          seed the playground's sample organisation`,
    options: { role: { type: "string", default: "all" }, demo: { type: "boolean" } },
    check(values, positionals) {
      if (!ROLES.includes(values.role as (typeof ROLES)[number])) {
        return `--role must be all, web or worker (got "${values.role}")`;
      }
      return noPositionals(values, positionals);
    },
    run: ({ config, logger }, { values }) =>
      startCommand(config, logger, values.role as (typeof ROLES)[number], values.demo === true),
  },
  {
    name: "migrate",
    synopsis: "stackup migrate",
    help: "Applies the database migrations that have not run yet (start-up does it too).",
    options: {},
    check: noPositionals,
    async run({ config, logger }) {
      const { openDatabase } = await import("./runtime.ts");
      const database = await openDatabase(config, logger);
      const { applied } = database;
      out(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
      await database.close();
      return 0;
    },
  },
  {
    name: "catalog import",
    synopsis: "stackup catalog import FILE",
    help: "Adds or updates credentials (and stacks) from a .csv or .yaml file.",
    options: {},
    async run({ config, logger }, { argv }) {
      const { catalogImportCommand } = await import("./commands/catalog-import.ts");
      return withDatabase(config, logger, (db) =>
        catalogImportCommand(argv, { db, stdout: out, stderr: err }),
      );
    },
  },
  {
    name: "org import",
    synopsis: "stackup org import FILE.csv [--workspace ID]",
    help: "People's teams, managers and roles from a CSV (email, team, manager_email, role).",
    options: { workspace: { type: "string" } },
    async run({ config, logger }, { argv }) {
      const { orgImportCommand } = await import("./commands/org-import.ts");
      return withDatabase(config, logger, (db) =>
        orgImportCommand(argv, { db, stdout: out, stderr: err }),
      );
    },
  },
  {
    name: "purge",
    synopsis: "stackup purge --workspace ID",
    help: "Deletes a workspace (Slack team id or Teams tenant id) and all its people's data, now.",
    options: { workspace: { type: "string" } },
    async run({ config, logger }, { argv }) {
      const { purgeCommand } = await import("./commands/purge.ts");
      return withDatabase(config, logger, (db) =>
        purgeCommand(argv, { db, stdout: out, stderr: err }),
      );
    },
  },
  {
    name: "verify",
    synopsis:
      "stackup verify <url|file> [--email ADDRESS]... [--credential TITLE] [--map URL_PREFIX=PATH]... [--now ISO_TIME]",
    help: `Verifies an Open Badge 2.0/3.0 and prints the verdict as JSON
(exit 0 valid or warning, 1 invalid, 2 usage error).
  --email ADDRESS         an address the badge should be issued to (repeatable)
  --credential TITLE      the catalog credential the badge should certify (reads the catalog)
  --map URL_PREFIX=PATH   serve URLs under the prefix from local files; turns on offline mode
  --now ISO_TIME          check dates as of this time`,
    options: {
      email: { type: "string", multiple: true },
      credential: { type: "string" },
      map: { type: "string", multiple: true },
      now: { type: "string" },
    },
    async run({ config, logger }, { argv, values }) {
      const { verifyCommand } = await import("./commands/verify.ts");
      if (typeof values.credential !== "string") {
        return verifyCommand(argv, { stdout: out, stderr: err });
      }
      // only naming a catalog credential needs the database
      const { VerificationRepository } = await import("../src/domain/verification/repository.ts");
      return withDatabase(config, logger, (db) =>
        verifyCommand(argv, {
          stdout: out,
          stderr: err,
          findCredential: (title) => new VerificationRepository(db).catalogCredential(title),
        }),
      );
    },
  },
];

const USAGE = `Usage: stackup <command> [options]

${COMMANDS.map((c) => `  ${c.synopsis}`).join("\n")}
  stackup help [command]      this text, or a command's
  stackup --version           the version

Run "stackup <command> --help" for what each option does.`;

/** The command `argv` names and the arguments after its name. */
function findCommand(argv: string[]): { command: Command | undefined; rest: string[] } {
  for (const command of COMMANDS) {
    const words = command.name.split(" ");
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  return { command: undefined, rest: [] };
}

function commandHelp(command: Command): string {
  return `Usage: ${command.synopsis}\n\n${command.help}`;
}

export async function main(argv: string[]): Promise<number> {
  const [first] = argv;
  if (first === undefined) {
    err(USAGE);
    return 2;
  }
  if (first === "--help" || first === "-h") {
    out(USAGE);
    return 0;
  }
  if (first === "help") {
    const { command } = findCommand(argv.slice(1));
    if (argv.length > 1 && !command) {
      err(`Unknown command "${argv.slice(1).join(" ")}".\n\n${USAGE}`);
      return 2;
    }
    out(command ? commandHelp(command) : USAGE);
    return 0;
  }
  if (first === "--version" || first === "-v" || first === "version") {
    out(packageVersion());
    return 0;
  }
  const { command, rest } = findCommand(argv);
  if (!command) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
    if (group.length > 0) {
      if (argv.includes("--help") || argv.includes("-h")) {
        out(group.map(commandHelp).join("\n\n"));
        return 0;
      }
      err(`Usage: ${group.map((c) => c.synopsis).join("\n       ")}`);
      return 2;
    }
    err(`Unknown command "${first}".\n\n${USAGE}`);
    return 2;
  }
  const parsed = parseCommandArgs(rest, command.options);
  if (parsed.kind === "help") {
    out(commandHelp(command));
    return 0;
  }
  const problem =
    parsed.kind === "error" ? parsed.message : command.check?.(parsed.values, parsed.positionals);
  if (problem !== undefined || parsed.kind === "error") {
    err(
      `stackup ${command.name}: ${problem}\nUsage: ${command.synopsis}\nRun "stackup ${command.name} --help" for more.`,
    );
    return 2;
  }

  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      err(error.message);
      return 2;
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  return command.run({ config, logger }, { ...parsed, argv: rest });
}

async function withDatabase(
  config: Config,
  logger: Logger,
  run: (db: Database["db"]) => Promise<number>,
): Promise<number> {
  const { openDatabase } = await import("./runtime.ts");
  const database = await openDatabase(config, logger);
  try {
    return await run(database.db);
  } finally {
    await database.close();
  }
}

async function startCommand(
  config: Config,
  logger: Logger,
  role: "all" | "web" | "worker",
  demo: boolean,
): Promise<number> {
  // Listen for signals before starting: an orchestrator may stop a process that is still starting
  // (its /healthz answers before the platforms and jobs are up), and the default action would kill
  // it mid-start, leaving locks and half-open connections behind.
  const signalled = new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  const deadlineMs = config.shutdownTimeoutMs ?? 25_000;
  const now = (message: string) => {
    logger.warn(message);
    logger.flush();
    process.exit(1);
  };
  const armShutdown = (signal: string, starting: boolean) => {
    logger.info(
      { signal, deadlineMs },
      starting
        ? "shutting down: stopping once started"
        : "shutting down: no new work, finishing what is in flight",
    );
    process.once("SIGTERM", () => now("second signal: exiting at once"));
    process.once("SIGINT", () => now("second signal: exiting at once"));
    setTimeout(
      () => now("shutdown deadline passed: exiting with work unfinished"),
      deadlineMs,
    ).unref();
  };
  let started = false;
  // Registered before the await below, so the deadline is armed before stopping begins.
  void signalled.then((signal) => armShutdown(signal, !started));
  const { startApp } = await import("./app.ts");
  let app: Awaited<ReturnType<typeof startApp>>;
  try {
    app = await startApp({ config, logger, role, demo });
  } catch (error) {
    logger.fatal({ err: error }, "could not start");
    err(`Stackup could not start: ${(error as Error).message}`);
    logger.flush();
    return 1;
  }
  started = true;
  await signalled;
  await app.stop({ drainMs: deadlineMs });
  logger.info("stopped");
  logger.flush();
  return 0;
}

import { existsSync, readFileSync } from "node:fs";
import { ConfigError, loadConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import { type Role, startApp } from "./app.ts";
import { catalogImportCommand } from "./commands/catalog-import.ts";
import { orgImportCommand } from "./commands/org-import.ts";
import { verifyCommand } from "./commands/verify.ts";
import { openDatabase } from "./runtime.ts";

const USAGE = `Usage:
  stackup start [--role all|web|worker] [--demo]
                                          run the service (default role: all); --demo seeds
                                          the playground's sample organisation
  stackup migrate                         apply database migrations
  stackup catalog import FILE             add credentials from a .csv or .yaml file
  stackup org import FILE.csv [--workspace ID]
                                          people's teams, managers and roles from a CSV
  stackup verify <url|file> [options]     check an Open Badge (see README)
  stackup help                            this text`;

/** From package.json, found above this file both in the sources and in dist/. */
function packageVersion(): string {
  for (const up of ["../package.json", "../../package.json"]) {
    const file = new URL(up, import.meta.url);
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8"));
    if (pkg.name === "stackup") return String(pkg.version);
  }
  return "unknown";
}

const out = (s: string) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
const err = (s: string) => process.stderr.write(s.endsWith("\n") ? s : `${s}\n`);

function parseRole(args: string[]): Role | undefined {
  const i = args.indexOf("--role");
  const inline = args.find((a) => a.startsWith("--role="))?.slice(7);
  const value = inline ?? (i >= 0 ? args[i + 1] : "all");
  return value === "all" || value === "web" || value === "worker" ? value : undefined;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    out(USAGE);
    return command ? 0 : 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      err(error.message);
      return 2;
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);

  switch (command) {
    case "start": {
      const role = parseRole(args);
      if (!role) {
        err("--role must be all, web or worker.");
        return 2;
      }
      let app: Awaited<ReturnType<typeof startApp>>;
      try {
        app = await startApp({ config, logger, role, demo: args.includes("--demo") });
      } catch (error) {
        logger.fatal({ err: error }, "could not start");
        err(`Stackup could not start: ${(error as Error).message}`);
        logger.flush();
        return 1;
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          logger.info({ signal }, "shutting down");
          resolve();
        };
        process.once("SIGTERM", () => stop("SIGTERM"));
        process.once("SIGINT", () => stop("SIGINT"));
      });
      await app.stop();
      logger.flush();
      return 0;
    }
    case "migrate": {
      const database = await openDatabase(config, logger);
      const { applied } = database;
      out(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
      await database.close();
      return 0;
    }
    case "catalog": {
      if (args[0] !== "import") {
        err("Usage: stackup catalog import FILE");
        return 2;
      }
      const database = await openDatabase(config, logger);
      try {
        return await catalogImportCommand(args.slice(1), {
          db: database.db,
          stdout: out,
          stderr: err,
        });
      } finally {
        await database.close();
      }
    }
    case "verify":
      return verifyCommand(args, { stdout: out, stderr: err });
    case "org": {
      if (args[0] !== "import") {
        err("Usage: stackup org import FILE.csv [--workspace ID]");
        return 2;
      }
      const database = await openDatabase(config, logger);
      try {
        return await orgImportCommand(args.slice(1), { db: database.db, stdout: out, stderr: err });
      } finally {
        await database.close();
      }
    }
    case "version":
    case "--version": {
      out(packageVersion());
      return 0;
    }
    default:
      err(`Unknown command "${command}".\n${USAGE}`);
      return 2;
  }
}

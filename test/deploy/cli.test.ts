import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../bin/cli.ts";
import { ROOT } from "./process.ts";

const VERSION = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
const COMMANDS = [
  ["start"],
  ["migrate"],
  ["catalog", "import"],
  ["org", "import"],
  ["verify"],
] as const;

let stdout: string;
let stderr: string;
const saved = { ...process.env };

beforeEach(() => {
  stdout = "";
  stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  // Anything that reached the database would fail loudly on this address.
  process.env.DATABASE_URL = "postgres://postgres@127.0.0.1:1/nowhere";
  process.env.LOG_LEVEL = "silent";
});

afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...saved };
});

describe("stackup's command line", () => {
  it("prints the version from package.json", async () => {
    for (const flag of ["--version", "-v", "version"]) {
      stdout = "";
      expect(await main([flag])).toBe(0);
      expect(stdout).toBe(`${VERSION}\n`);
    }
  });

  it("answers --help on every command with its usage, exit 0, doing nothing else", async () => {
    for (const words of COMMANDS) {
      for (const flag of ["--help", "-h"]) {
        stdout = "";
        expect(await main([...words, flag]), words.join(" ")).toBe(0);
        expect(stdout).toContain(`Usage: stackup ${words.join(" ")}`);
      }
    }
    expect(stderr).toBe("");
    // Help wins over anything else on the line, even a mistake.
    stdout = "";
    expect(await main(["start", "--role", "nope", "--bogus", "--help"])).toBe(0);
    expect(stdout).toContain("--role worker");
  });

  it("refuses unknown options on every command with exit 2, naming the option", async () => {
    for (const words of COMMANDS) {
      stderr = "";
      expect(await main([...words, "x.csv", "--bogus"]), words.join(" ")).toBe(2);
      expect(stderr).toContain("unknown option --bogus");
    }
    expect(stdout).toBe("");
  });

  it("explains a bad or missing option value and stray arguments", async () => {
    expect(await main(["start", "--role", "boss"])).toBe(2);
    expect(stderr).toContain('--role must be all, web or worker (got "boss")');
    stderr = "";
    expect(await main(["start", "--role"])).toBe(2);
    expect(stderr).toContain("--role needs a value");
    stderr = "";
    expect(await main(["start", "--demo=yes"])).toBe(2);
    expect(stderr).toContain("--demo takes no value");
    stderr = "";
    expect(await main(["migrate", "now"])).toBe(2);
    expect(stderr).toContain("unexpected argument now");
    expect(stderr).toContain('Run "stackup migrate --help"');
  });

  it("prints the overview for help, and a command's page for help COMMAND", async () => {
    expect(await main(["--help"])).toBe(0);
    for (const words of COMMANDS) expect(stdout).toContain(`stackup ${words.join(" ")}`);
    stdout = "";
    expect(await main(["help", "org", "import"])).toBe(0);
    expect(stdout).toMatch(/^Usage: stackup org import FILE\.csv \[--workspace ID\]/);
    expect(await main(["help", "deploy"])).toBe(2);
    expect(stderr).toContain('Unknown command "deploy"');
  });

  it("exits 2 with the usage when the command is missing, unknown or incomplete", async () => {
    expect(await main([])).toBe(2);
    expect(stderr).toContain("Usage: stackup <command>");
    stderr = "";
    expect(await main(["strat"])).toBe(2);
    expect(stderr).toContain('Unknown command "strat"');
    stderr = "";
    expect(await main(["catalog", "export"])).toBe(2);
    expect(stderr).toContain("Usage: stackup catalog import FILE");
    stdout = "";
    expect(await main(["catalog", "--help"])).toBe(0);
    expect(stdout).toContain("Usage: stackup catalog import FILE");
  });
});

describe("the stackup launcher", () => {
  it("answers start --help as a process and exits at once instead of starting", async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(ROOT, "bin/stackup.js"), "start", "--help"],
        { env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "silent" }, timeout: 60_000 },
        (error, stdout) => resolve({ code: error ? Number(error.code ?? -1) : 0, stdout }),
      );
    });
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: stackup start [--role all|web|worker] [--demo]");
  }, 60_000);
});

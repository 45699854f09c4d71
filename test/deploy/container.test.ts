import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { productionCommands, ROOT } from "./process.ts";

const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

interface Service {
  build?: unknown;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
}

/** The Dockerfile's instructions, continuation lines joined, from the last FROM on. */
function finalStage(): { instruction: string; args: string }[] {
  const lines = read("Dockerfile")
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .filter((l) => l.trim() && !l.trim().startsWith("#"));
  const from = lines.findLastIndex((l) => /^FROM\s/i.test(l));
  return lines.slice(from).map((l) => {
    const [instruction = "", ...rest] = l.trim().split(/\s+/);
    return { instruction: instruction.toUpperCase(), args: rest.join(" ") };
  });
}

describe("compose.yaml", () => {
  const compose = parse(read("compose.yaml"), { merge: true }) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const { services } = compose;

  it("runs PostgreSQL, Redis, a web and a worker, with health checks and volumes", () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(["postgres", "redis", "web", "worker"]),
    );
    expect(services.postgres?.image).toMatch(/^postgres:\d+/);
    expect(services.redis?.image).toMatch(/^redis:\d+/);
    expect(services.redis?.command).toEqual(
      expect.arrayContaining(["--maxmemory-policy", "noeviction"]),
    );
    for (const name of ["postgres", "redis"]) {
      expect(services[name]?.healthcheck?.test?.length, name).toBeGreaterThan(0);
      const [volume] = services[name]?.volumes?.[0]?.split(":") ?? [];
      expect(Object.keys(compose.volumes), name).toContain(volume);
    }
    expect(services.web?.command).toEqual(["start", "--role", "web"]);
    expect(services.worker?.command).toEqual(["start", "--role", "worker"]);
    expect(services.web?.ports).toEqual([expect.stringMatching(/:3000$/)]);
    // Both roles serve /healthz, so both keep the image's health check.
    expect(services.web?.healthcheck).toBeUndefined();
    expect(services.worker?.healthcheck).toBeUndefined();
  });

  it("starts web and worker after healthy PostgreSQL and Redis and the migrations", () => {
    expect(services.migrate?.command).toEqual(["migrate"]);
    expect(services.migrate?.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    for (const name of ["web", "worker"]) {
      const service = services[name]!;
      expect(service.build, name).toBe(".");
      expect(service.depends_on, name).toEqual({
        postgres: { condition: "service_healthy" },
        redis: { condition: "service_healthy" },
        migrate: { condition: "service_completed_successfully" },
      });
      expect(service.environment?.DATABASE_URL, name).toMatch(/^postgres:\/\/.+@postgres:5432\//);
      expect(service.environment?.REDIS_URL, name).toBe("redis://redis:6379");
    }
  });
});

describe("the Dockerfile", () => {
  const stage = finalStage();
  const args = (instruction: string) =>
    stage.filter((s) => s.instruction === instruction).map((s) => s.args);

  it("builds in one stage and runs production dependencies only, unprivileged, in the last", () => {
    expect(read("Dockerfile").match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(args("FROM")).toEqual(["node:20-slim"]);
    expect(args("RUN").join("\n")).toContain("npm ci --omit=dev");
    expect(args("COPY").join("\n")).toContain("--from=build /app/dist ./dist");
    expect(args("USER")).toHaveLength(1);
    expect(args("USER")[0]).not.toMatch(/^(root|0)$/);
    expect(args("HEALTHCHECK")[0]).toMatch(/CMD .*\/healthz/);
  });

  it("runs the command the README's Production section gives", () => {
    const entrypoint = JSON.parse(args("ENTRYPOINT")[0] ?? "[]") as string[];
    const cmd = JSON.parse(args("CMD").at(-1) ?? "[]") as string[];
    const readme = productionCommands();
    expect(readme).toHaveLength(2);
    expect([...entrypoint, ...cmd].join(" ")).toBe(readme[0]);
    expect([...entrypoint, "start", "--role", "worker"].join(" ")).toBe(readme[1]);
  });
});

describe(".env.example", () => {
  it("lists every variable the configuration reads, each under a comment", () => {
    const config = read("src/config.ts");
    const names = [...config.matchAll(/nonEmpty\(env, "(\w+)"\)/g)].map((m) => m[1]!);
    names.push("PGOPTIONS");
    expect(names.length).toBeGreaterThan(20);
    const lines = read(".env.example").split("\n");
    for (const name of names) {
      const at = lines.findIndex((l) => l.startsWith(`${name}=`));
      expect(at, `${name} is missing`).toBeGreaterThan(0);
      // Its own comment, or the comment of the group it is listed in.
      const above = lines.slice(0, at).reverse();
      const comment = above.findIndex((l) => l.startsWith("# "));
      const blank = above.findIndex((l) => l.trim() === "");
      expect(comment, `${name} has no comment`).toBeGreaterThanOrEqual(0);
      expect(blank === -1 || comment < blank, `${name} has no comment`).toBe(true);
    }
  });
});

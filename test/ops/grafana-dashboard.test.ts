import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Metrics } from "../../src/metrics.ts";

interface Panel {
  title: string;
  targets: { expr: string }[];
}

const dashboard = JSON.parse(
  readFileSync(new URL("../../docs/grafana-dashboard.json", import.meta.url), "utf8"),
) as { __inputs: { name: string }[]; panels: Panel[] };

describe("the Grafana dashboard in docs/", () => {
  it("asks for a Prometheus data source on import", () => {
    expect(dashboard.__inputs.map((i) => i.name)).toEqual(["DS_PROMETHEUS"]);
  });

  it("only charts metrics Stackup serves, and charts each of its own families", async () => {
    const served = new Set(
      (await new Metrics().registry.getMetricsAsJSON()).flatMap((m) =>
        String(m.type) === "histogram"
          ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`]
          : [m.name],
      ),
    );
    const charted = new Set(
      dashboard.panels.flatMap((p) =>
        p.targets.flatMap((t) =>
          [...t.expr.matchAll(/\b(?:stackup|process|nodejs)_\w+/g)].map((m) => m[0]),
        ),
      ),
    );
    expect([...charted].filter((name) => !served.has(name))).toEqual([]);
    const own = [...served].filter((n) => n.startsWith("stackup_"));
    const families = new Set(own.map((n) => n.replace(/_(bucket|sum|count)$/, "")));
    const chartedFamilies = new Set([...charted].map((n) => n.replace(/_(bucket|sum|count)$/, "")));
    expect([...families].filter((f) => !chartedFamilies.has(f))).toEqual([]);
  });
});

import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { metrics } from "@/lib/metrics/registry";
import { registerWebCollectors } from "@/lib/metrics/web-collectors";

// The shipped dashboard must only query metrics Herald (or prom-client's defaults) exports: a
// renamed metric would otherwise leave a panel silently empty.

type Panel = { type: string; targets?: { expr: string }[] };

const dashboard = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, "../../docs/grafana-dashboard.json"), "utf8"),
) as { panels: Panel[] };

function exportedSeriesNames(): Set<string> {
  registerWebCollectors();
  const names = new Set<string>();
  for (const metric of metrics().registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    names.add(name);
    if (type === "histogram")
      for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
  }
  return names;
}

describe("docs/grafana-dashboard.json", () => {
  it("queries only metrics that exist", () => {
    const exported = exportedSeriesNames();
    const queried = dashboard.panels
      .flatMap((panel) => panel.targets ?? [])
      .flatMap((target) => target.expr.match(/\b(herald|process|nodejs)_[a-z0-9_]+/g) ?? []);
    expect(queried.length).toBeGreaterThan(20);
    expect([...new Set(queried)].filter((name) => !exported.has(name))).toEqual([]);
  });

  it("covers every herald_ metric", () => {
    const herald = [...exportedSeriesNames()].filter(
      (name) => name.startsWith("herald_") && !/_(sum|count)$/.test(name),
    );
    const text = JSON.stringify(dashboard);
    expect(herald.filter((name) => !text.includes(name))).toEqual([]);
  });
});

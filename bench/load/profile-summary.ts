import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

// Summarises V8 .cpuprofile files (node --cpu-prof) into the functions with the most self time,
// and the same grouped by package, so "where does the time go" fits in a report.

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
};
type CpuProfile = {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
};

type HotSpot = { name: string; location: string; selfMs: number; percent: number };
export type ProfileSummary = {
  file: string;
  totalMs: number;
  topFunctions: HotSpot[];
  byPackage: { name: string; selfMs: number; percent: number }[];
};

function shortLocation(url: string): string {
  const clean = url.replace(/^file:\/\//, "");
  const nodeModules = clean.lastIndexOf("node_modules/");
  if (nodeModules >= 0) return clean.slice(nodeModules + "node_modules/".length);
  return clean.startsWith(process.cwd())
    ? path.relative(process.cwd(), clean)
    : clean || "(native)";
}

function packageOf(url: string): string {
  const location = shortLocation(url);
  if (location === "(native)") return "(native/V8)";
  if (location.startsWith("node:")) return "node core";
  if (url.includes("node_modules/")) {
    const parts = location.split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  return location.split("/").slice(0, 2).join("/");
}

function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((nodeId, index) =>
    selfMicros.set(nodeId, (selfMicros.get(nodeId) ?? 0) + (profile.timeDeltas[index] ?? 0)),
  );
  const totalMicros = [...selfMicros.values()].reduce((sum, value) => sum + value, 0) || 1;

  const byFunction = new Map<string, HotSpot>();
  const byPackage = new Map<string, number>();
  for (const [nodeId, micros] of selfMicros) {
    const frame = nodes.get(nodeId)!.callFrame;
    const name = frame.functionName || "(anonymous)";
    const location = frame.url ? `${shortLocation(frame.url)}:${frame.lineNumber + 1}` : "";
    const key = `${name}@${location}`;
    const spot = byFunction.get(key) ?? { name, location, selfMs: 0, percent: 0 };
    spot.selfMs += micros / 1000;
    byFunction.set(key, spot);
    const pkg = ["(idle)", "(program)", "(garbage collector)"].includes(name)
      ? name
      : packageOf(frame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros / 1000);
  }
  const percentOf = (ms: number) => Math.round((ms * 1000 * 1000) / totalMicros) / 10;
  return {
    file,
    totalMs: Math.round(totalMicros / 1000),
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top)
      .map((spot) => ({
        ...spot,
        selfMs: Math.round(spot.selfMs),
        percent: percentOf(spot.selfMs),
      })),
    byPackage: [...byPackage.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, selfMs: Math.round(ms), percent: percentOf(ms) })),
  };
}

/** Sampled time that was not idle. */
export const busyMs = (summary: ProfileSummary) =>
  summary.totalMs - (summary.byPackage.find((pkg) => pkg.name === "(idle)")?.selfMs ?? 0);

export function summarizeProfiles(dir: string, top = 15): ProfileSummary[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith(".cpuprofile"));
  } catch {
    return [];
  }
  return files.map((name) => summarizeProfile(path.join(dir, name), top));
}

export function printProfile(label: string, summary: ProfileSummary): void {
  console.log(
    `\nCPU profile of ${label} (${summary.totalMs} ms sampled, ${busyMs(summary)} ms busy; ${path.relative(process.cwd(), summary.file)})`,
  );
  console.log("  by package:");
  for (const pkg of summary.byPackage.slice(0, 10))
    console.log(`    ${String(pkg.percent).padStart(5)}%  ${pkg.name}`);
  console.log("  top functions (self time):");
  for (const spot of summary.topFunctions)
    console.log(`    ${String(spot.percent).padStart(5)}%  ${spot.name}  ${spot.location}`);
}

// `npx tsx bench/load/profile-summary.ts <dir or file>` summarises profiles from an earlier run.
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const target = process.argv[2] ?? "bench/results/profiles";
  const summaries = target.endsWith(".cpuprofile")
    ? [summarizeProfile(target)]
    : summarizeProfiles(target);
  for (const summary of summaries) printProfile(path.basename(summary.file), summary);
}

import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";

// The benchmark serves its own production build from bench/results/.build/, a mirror of the
// sources, so it never rebuilds (or half-breaks) the shared .next/ that other people's servers and
// browser tests use, and always measures the sources as they are now.

// Under bench/results/ because tsconfig.json excludes it: the copies are never type-checked twice.
export const BUILD_DIR = path.join("bench", "results", ".build");
const MIRRORED = [
  ".gitignore",
  "app",
  "lib",
  "components",
  "prisma",
  "public",
  "scripts",
  "server",
  "tsconfig.json",
  "tsconfig.build.json",
  "postcss.config.mjs",
  "package.json",
  "next-env.d.ts",
];

/** Copies what changed (size or mtime) and deletes what is gone; returns how many paths changed. */
function mirror(source: string, target: string): number {
  const stat = statSync(source);
  if (!stat.isDirectory()) {
    const existing = existsSync(target) ? statSync(target) : null;
    // utimes keeps milliseconds only, so compare with a millisecond's tolerance.
    if (existing && existing.size === stat.size && Math.abs(existing.mtimeMs - stat.mtimeMs) < 1)
      return 0;
    copyFileSync(source, target);
    utimesSync(target, stat.atime, stat.mtime);
    return 1;
  }
  mkdirSync(target, { recursive: true });
  let changed = 0;
  const names = new Set(readdirSync(source));
  for (const name of names) changed += mirror(path.join(source, name), path.join(target, name));
  for (const name of readdirSync(target)) {
    if (names.has(name)) continue;
    rmSync(path.join(target, name), { recursive: true, force: true });
    changed++;
  }
  return changed;
}

function syncSources(): number {
  mkdirSync(BUILD_DIR, { recursive: true });
  let changed = 0;
  for (const entry of MIRRORED) {
    const target = path.join(BUILD_DIR, entry);
    if (existsSync(entry)) changed += mirror(entry, target);
    else if (existsSync(target)) rmSync(target, { recursive: true, force: true });
  }
  // The real config, wrapped: type errors are the test suite's business, not the benchmark's.
  changed += mirror("next.config.ts", path.join(BUILD_DIR, "next.config.base.ts"));
  writeFileSync(
    path.join(BUILD_DIR, "next.config.ts"),
    'import type { NextConfig } from "next";\nimport base from "./next.config.base";\n\n' +
      "const config: NextConfig = { ...base, typescript: { ...base.typescript, ignoreBuildErrors: true } };\nexport default config;\n",
  );
  // No node_modules link in the mirror: it sits inside the repository, so Node and Turbopack find
  // the repository's node_modules above it, and Tailwind's source scanner, which follows links,
  // read all of node_modules through one (100k files, minutes per build).
  rmSync(path.join(BUILD_DIR, "node_modules"), { force: true });
  return changed;
}

/** Mirrors the sources and builds when they changed (mode "auto"), always, or never. */
export function ensureBuild(mode: "auto" | "always" | "never"): string {
  const built = existsSync(path.join(BUILD_DIR, ".next", "BUILD_ID"));
  if (mode === "never") {
    if (!built) throw new Error(`BENCH_BUILD=never but there is no build in ${BUILD_DIR}`);
    return "existing build (BENCH_BUILD=never)";
  }
  const changed = syncSources();
  const reason =
    mode === "always"
      ? "BENCH_BUILD=always"
      : !built
        ? "no build yet"
        : changed
          ? `${changed} source files changed`
          : null;
  if (!reason) return "existing build (sources unchanged)";
  console.log(`bench: building Next in ${BUILD_DIR} (${reason})…`);
  const started = Date.now();
  const nextBin = path.resolve("node_modules", "next", "dist", "bin", "next");
  const build = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: BUILD_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
  });
  if (build.status !== 0)
    throw new Error(
      `next build failed (status ${build.status}):\n${(build.stdout + build.stderr).slice(-4000)}`,
    );
  return `built in ${Math.round((Date.now() - started) / 1000)} s (${reason})`;
}

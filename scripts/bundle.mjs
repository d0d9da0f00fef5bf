// The esbuild bundling that the worker (worker/build.mjs) and the web server (server/build.mjs)
// share: one file for plain node (no TypeScript transpiler in the process), packages in
// node_modules left external. esbuild runs as a CLI (the binary tsx already depends on) so none of
// it stays loaded.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Bundles `entry` (relative to the project root) into `outfile`; `args` add esbuild options. */
export function bundle(entry, outfile, args = []) {
  const esbuild = path.join(
    path.dirname(createRequire(import.meta.url).resolve("esbuild/package.json")),
    "bin",
    "esbuild",
  );
  execFileSync(
    esbuild,
    [
      entry,
      "--bundle",
      "--platform=node",
      "--target=node20",
      "--packages=external",
      "--sourcemap",
      "--log-level=warning",
      ...args,
      `--outfile=${outfile}`,
    ],
    { cwd: root, stdio: "inherit" },
  );
  return outfile;
}

/** True when `moduleUrl` is the script node was started with (`node worker/build.mjs`). */
export const isMain = (moduleUrl) =>
  Boolean(process.argv[1]) && path.resolve(process.argv[1]) === fileURLToPath(moduleUrl);

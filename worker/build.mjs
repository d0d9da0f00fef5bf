// Bundles the worker (worker/index.ts and everything it imports from lib/) into one ES module,
// worker/dist/index.mjs, so production runs plain node: no TypeScript transpiler in the process
// (less memory, faster start). Packages in node_modules stay external.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const bundlePath = path.join(root, "worker", "dist", "index.mjs");

export function buildWorker() {
  // The esbuild binary tsx already depends on; run as a CLI so none of it stays in our process.
  const esbuild = path.join(path.dirname(createRequire(import.meta.url).resolve("esbuild/package.json")), "bin", "esbuild");
  execFileSync(
    esbuild,
    [
      "worker/index.ts",
      "--bundle",
      "--platform=node",
      "--format=esm",
      "--target=node20",
      "--packages=external",
      "--sourcemap",
      // Pattern checking (recheck) belongs to the API; see worker/recheck-stub.mjs.
      "--alias:recheck=./worker/recheck-stub.mjs",
      "--log-level=warning",
      `--outfile=${bundlePath}`,
    ],
    { cwd: root, stdio: "inherit" },
  );
  return bundlePath;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWorker();
  console.log(`built ${path.relative(root, bundlePath)}`);
}

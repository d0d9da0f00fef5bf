// Bundles the worker (worker/index.ts and everything it imports from lib/) into one ES module,
// worker/dist/index.mjs, so production runs plain node (less memory, faster start).
import path from "node:path";
import { bundle, isMain, root } from "../scripts/bundle.mjs";

export const bundlePath = path.join(root, "worker", "dist", "index.mjs");

export function buildWorker() {
  // Pattern checking (recheck) belongs to the API; see worker/recheck-stub.mjs.
  return bundle("worker/index.ts", bundlePath, [
    "--format=esm",
    "--alias:recheck=./worker/recheck-stub.mjs",
  ]);
}

if (isMain(import.meta.url)) {
  buildWorker();
  console.log(`built ${path.relative(root, bundlePath)}`);
}

// Production start of the worker: (re)build the bundle, then run it in this same process (so
// signals reach the worker itself). `node worker/start.mjs`; HERALD_WORKER_PREBUILT=1 skips the
// build when the image already contains worker/dist/index.mjs.
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { buildWorker, bundlePath } from "./build.mjs";

if (process.env.HERALD_WORKER_PREBUILT !== "1" || !existsSync(bundlePath)) buildWorker();
await import(pathToFileURL(bundlePath).href);

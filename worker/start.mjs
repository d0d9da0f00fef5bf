// Production start of the worker: (re)build the bundle, then run it in this same process (so
// signals reach the worker itself). `node worker/start.mjs`; HERALD_WORKER_PREBUILT=1 skips the
// build when the image already contains worker/dist/index.mjs.
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import { buildWorker, bundlePath } from "./build.mjs";

// V8 flags that lower the worker's peak memory (measured with the benchmark's peak RSS, figure 6).
// They are set at run time, before the bundle loads, so they hold however the worker is started
// (npm run worker, npm start, the benchmark); one given on the command line or in NODE_OPTIONS
// (`--no-liftoff-only`, `--heap-growing-percent=0` for V8's default) wins.
// - - liftoff-only: Prisma's query compiler is a 3.4 MB WebAssembly module. V8 tiers its busy
//   functions
//   up to TurboFan, and those compilations cost ~45 MiB of RSS that the allocator keeps after they
//   end.
//   Liftoff's baseline code is enough here: Prisma caches query plans, so the compiler runs about
//   once
//   per query shape (raw SQL and the hot node-postgres paths do not use it at all).
// - - heap-growing-percent=100: the next major GC comes when the old generation is 2x what survived
//   the last one, instead of up to ~4x. The worker's live heap is small (30-50 MiB) and nearly all
//   it
//   allocates (rows, bodies, job data) dies young. Measured (40k unbatched events, two runs each):
//   V8's default 5,130-5,253 deliveries/s at 319-323 MiB peak; 100: 4,782-5,447 at 227-240 MiB;
//   50: 4,281-4,646 at 194-195 MiB (the GCs took ~1.3 s more worker CPU). Flags that size the heap
//   at start-up (--max-semi-space-size, --max-old-space-size) cannot be changed at run time, so
//   they are not set here.
const WORKER_V8_FLAGS = ["--liftoff-only", "--heap-growing-percent=100"];

const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].map((arg) =>
  arg.replaceAll("_", "-"),
);
for (const flag of WORKER_V8_FLAGS) {
  const name = flag.replace(/^--/, "").split("=")[0];
  if (
    !given.some(
      (arg) => arg === `--${name}` || arg === `--no-${name}` || arg.startsWith(`--${name}=`),
    )
  )
    v8.setFlagsFromString(flag);
}

if (process.env.HERALD_WORKER_PREBUILT !== "1" || !existsSync(bundlePath)) buildWorker();
await import(pathToFileURL(bundlePath).href);

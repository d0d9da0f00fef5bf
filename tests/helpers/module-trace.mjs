// Preload for a child process (NODE_OPTIONS="--import <this file>"): prints `module-trace:
// <specifier>` on stderr each time a module whose specifier starts with one of
// HERALD_TEST_TRACE_MODULES (comma-separated) is resolved, so a test can see from outside which
// packages a process loads.
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";

const prefixes = (process.env.HERALD_TEST_TRACE_MODULES ?? "").split(",").filter(Boolean);
const { port1, port2 } = new MessageChannel();
port1.on("message", (specifier) => process.stderr.write(`module-trace: ${specifier}\n`));
port1.unref();
register("./module-trace-hooks.mjs", {
  parentURL: import.meta.url,
  data: { port: port2, prefixes },
  transferList: [port2],
});

// Module hooks of tests/helpers/module-trace.mjs (they run on Node's loader thread).
let port;
let prefixes = [];

export function initialize(data) {
  port = data.port;
  prefixes = data.prefixes;
}

export async function resolve(specifier, context, nextResolve) {
  if (prefixes.some((prefix) => specifier.startsWith(prefix))) port.postMessage(specifier);
  return nextResolve(specifier, context);
}

// The worker bundle's stand-in for `recheck` (a large ReDoS checker, ~35 MB once loaded). Only the
// API checks channel patterns when an endpoint is saved; the worker only matches them.
export function check() {
  throw new Error("recheck is not available in the worker bundle: patterns are checked by the API");
}

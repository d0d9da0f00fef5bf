// Loaded with `node --import` before tsx in intake-child.ts: gives CommonJS packages compiled
// from ES modules (next-auth providers) the default export Next's bundler gives them, which plain
// Node ESM does not (it hands over the whole exports object).
import { register } from "node:module";

const SHIMMED = /^next-auth\/providers\/[a-z-]+$/;

const hooks = `
const SHIMMED = ${SHIMMED};
export async function resolve(specifier, context, next) {
  if (SHIMMED.test(specifier)) return { url: "cjs-interop:" + specifier, shortCircuit: true };
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.startsWith("cjs-interop:")) return next(url, context);
  const specifier = url.slice("cjs-interop:".length);
  const source = 'import { createRequire } from "node:module";' +
    'const required = createRequire(' + JSON.stringify(process.cwd() + "/package.json") + ')(' + JSON.stringify(specifier) + ');' +
    'export default required.default ?? required;';
  return { format: "module", source, shortCircuit: true };
}`;

register(`data:text/javascript,${encodeURIComponent(hooks)}`);

// Bundles the web server (server/index.ts, the intake route handlers and lib/) into one CommonJS
// file, server/dist/index.cjs. CommonJS like Next's own server, so packages that ship CommonJS
// (next, next-auth) load with the same interop as inside Next's bundles; import.meta.url (used by
// the generated Prisma client) is defined from __filename.
import path from "node:path";
import { bundle, isMain, root } from "../scripts/bundle.mjs";

export const bundlePath = path.join(root, "server", "dist", "index.cjs");

export function buildServer() {
  return bundle("server/index.ts", bundlePath, [
    "--format=cjs",
    "--define:import.meta.url=__herald_import_meta_url",
    '--banner:js=const __herald_import_meta_url = require("node:url").pathToFileURL(__filename).href;',
  ]);
}

if (isMain(import.meta.url)) {
  buildServer();
  console.log(`built ${path.relative(root, bundlePath)}`);
}

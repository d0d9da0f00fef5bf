// Bundles the web server (server/index.ts, the intake route handlers and lib/) into one CommonJS
// file, server/dist/index.cjs, run by plain node. CommonJS like Next's own server, so packages that
// ship CommonJS (next, next-auth) load with the same interop as inside Next's bundles;
// import.meta.url (used by the generated Prisma client) is defined from __filename.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const bundlePath = path.join(root, "server", "dist", "index.cjs");

export function buildServer() {
  const esbuild = path.join(path.dirname(createRequire(import.meta.url).resolve("esbuild/package.json")), "bin", "esbuild");
  execFileSync(
    esbuild,
    ["server/index.ts", "--bundle", "--platform=node", "--format=cjs", "--define:import.meta.url=__herald_import_meta_url", "--banner:js=const __herald_import_meta_url = require(\"node:url\").pathToFileURL(__filename).href;", "--target=node20", "--packages=external", "--sourcemap", "--log-level=warning", `--outfile=${bundlePath}`],
    { cwd: root, stdio: "inherit" },
  );
  return bundlePath;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildServer();
  console.log(`built ${path.relative(root, bundlePath)}`);
}

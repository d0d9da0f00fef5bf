import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// `npm run build` (and `npm start` when the build is missing or stale): `next build`, then a stamp
// of the sources it was built from, so a `git pull` followed by `npm start` never serves the old
// dashboard against the new API.

/**
 * What `next build` reads from the checkout. lib/generated is left out: prisma/schema.prisma
 * decides it.
 */
const BUILD_INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "proxy.ts",
  "prisma/schema.prisma",
  "next.config.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
];
const SKIPPED = new Set([path.join("lib", "generated")]);
const STAMP = path.join(".next", "herald-sources.sha256");

function listFiles(root: string, relative: string, into: string[]): void {
  if (SKIPPED.has(relative)) return;
  const absolute = path.join(root, relative);
  if (!existsSync(absolute)) return;
  if (!statSync(absolute).isDirectory()) {
    into.push(relative);
    return;
  }
  for (const name of readdirSync(absolute)) listFiles(root, path.join(relative, name), into);
}

/** A hash of every build input's path and content. */
export function sourcesFingerprint(root = "."): string {
  const files: string[] = [];
  for (const input of BUILD_INPUTS) listFiles(root, input, files);
  const hash = createHash("sha256");
  for (const file of files.sort())
    hash
      .update(`${file}\0`)
      .update(readFileSync(path.join(root, file)))
      .update("\0");
  return hash.digest("hex");
}

/** True when .next holds a build made from the sources as they are now. */
export function buildIsCurrent(root = "."): boolean {
  const stamp = path.join(root, STAMP);
  if (!existsSync(path.join(root, ".next", "BUILD_ID")) || !existsSync(stamp)) return false;
  return readFileSync(stamp, "utf8").trim() === sourcesFingerprint(root);
}

/** Runs `next build` and stamps the result; returns the exit status. */
export function build(root = "."): number {
  const fingerprint = sourcesFingerprint(root);
  const result = spawnSync("npx", ["next", "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) return result.status ?? 1;
  writeFileSync(path.join(root, STAMP), `${fingerprint}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exit(build());

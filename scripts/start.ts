import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import concurrently from "concurrently";
import { loadWebEnvOrExit, migrationDatabaseUrl } from "../lib/env";
import { prepareDatabase } from "../lib/migrations";
import { assertEncryptionKeyMatches } from "../lib/services/encryption-check";
import { build, buildIsCurrent } from "./build";

// `npm start`: write .env on first run, create + migrate the database, build if there is no build
// or the sources changed since it, then run web + worker in the foreground (Ctrl-C stops both).
// `--web` runs web alone.

const webOnly = process.argv.includes("--web");

function writeFirstRunEnv(): void {
  const generated: Record<string, string> = {
    HERALD_API_TOKEN: `hrld_admin_${randomBytes(24).toString("base64url")}`,
    HERALD_ADMIN_PASSWORD: randomBytes(12).toString("base64url"),
    HERALD_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
  };
  // Values already exported in the shell (e.g. PORT=3300 npm start) are kept in the file.
  const written: Record<string, string> = {};
  const text = readFileSync(".env.example", "utf8").replace(
    /^([A-Z_]+)=(.*)$/gm,
    (line, name: string, example: string) => {
      const value = process.env[name] || generated[name];
      written[name] = value || example;
      return value ? `${name}=${value}` : line;
    },
  );
  writeFileSync(".env", text, { mode: 0o600 });
  // Print what the file holds; a value exported in the shell is the operator's own, not repeated.
  const shown = (name: string) => (process.env[name] ? `(your exported ${name})` : written[name]);
  console.log("Wrote .env with fresh secrets (first run).");
  console.log(
    `  Dashboard login: ${written.HERALD_ADMIN_EMAIL} / ${shown("HERALD_ADMIN_PASSWORD")}`,
  );
  console.log(`  API token:       ${shown("HERALD_API_TOKEN")}`);
}

if (!existsSync(".env") && !process.env.HERALD_ENCRYPTION_KEY) writeFirstRunEnv();

const env = loadWebEnvOrExit();

try {
  const { created, applied } = await prepareDatabase(migrationDatabaseUrl(env));
  if (created) console.log("Created the database.");
  if (applied.length) console.log(`Applied migrations: ${applied.join(", ")}`);
} catch (error) {
  console.error(
    `Cannot prepare the database at ${env.DIRECT_DATABASE_URL ? "DIRECT_DATABASE_URL" : "DATABASE_URL"}: ${(error as Error).message}`,
  );
  process.exit(1);
}

try {
  await assertEncryptionKeyMatches();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

if (!buildIsCurrent()) {
  console.log(
    existsSync(".next/BUILD_ID")
      ? "The sources changed since the last build: running next build…"
      : "No build found: running next build (once)…",
  );
  const status = build();
  if (status !== 0) process.exit(status);
}

// Telemetry off: Next.js would otherwise try to reach its servers from a self-hosted install.
const childEnv = {
  ...process.env,
  PORT: String(env.PORT),
  NEXT_TELEMETRY_DISABLED: "1",
  NEXTAUTH_URL: env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`,
};
// The web server is Next plus a direct path for intake (server/index.ts); PORT comes from the env.
const commands = [
  { name: "web", command: "node server/start.mjs", env: childEnv, prefixColor: "cyan" },
];
if (!webOnly)
  commands.push({
    name: "worker",
    command: "node worker/start.mjs",
    env: childEnv,
    prefixColor: "magenta",
  });

console.log(`Herald: http://localhost:${env.PORT}`);
const { result } = concurrently(commands, {
  killOthersOn: ["failure", "success"],
  killSignal: "SIGTERM",
});
result.then(
  () => process.exit(0),
  () => process.exit(1),
);

import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

// A PgBouncer (Debian's package, 1.18) in transaction mode in front of the test Postgres, run as a
// child process with an ini file of its own, for the integration pass through it.

export type PgBouncer = { pid: number; output: () => string; stop: () => Promise<void> };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Listens on 127.0.0.1:`port` and serves every database of the Postgres `target` points at. */
export async function startPgBouncer(target: string, port: number): Promise<PgBouncer> {
  const server = new URL(target);
  const dir = mkdtempSync(path.join(tmpdir(), "herald-pgbouncer-"));
  // PgBouncer refuses to run as root: it then runs as the postgres user, who must read the files.
  chmodSync(dir, 0o755);
  const user = decodeURIComponent(server.username || "postgres");
  writeFileSync(path.join(dir, "users.txt"), `"${user}" ""\n`);
  writeFileSync(
    path.join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      `* = host=${server.hostname} port=${server.port || 5432}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${path.join(dir, "users.txt")}`,
      "pool_mode = transaction",
      // Fewer server connections than the test processes' pools ask for: connections are shared.
      "default_pool_size = 20",
      "max_client_conn = 1000",
      "",
    ].join("\n"),
  );
  const runAs = process.getuid?.() === 0 ? ["-u", "postgres"] : [];
  const child: ChildProcess = spawn("pgbouncer", [...runAs, path.join(dir, "pgbouncer.ini")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const pooled = new URL(target);
  pooled.hostname = "127.0.0.1";
  pooled.port = String(port);
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`pgbouncer exited:\n${output}`);
    }
    const client = new pg.Client({ connectionString: pooled.toString() });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (attempt > 100) {
        await stop();
        throw new Error(`pgbouncer did not answer: ${(error as Error).message}\n${output}`);
      }
      await sleep(100);
    }
  }
  return { pid: child.pid!, output: () => output, stop };
}

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";

// Real Redis topologies for the Sentinel and Cluster suites, started from this machine's
// `redis-server` as child processes on ports of their own (TEST_REDIS_PORT_BASE, default 7100:
// Sentinel uses base..base+4, Cluster base+10..base+12 and their bus ports +10000). Everything is
// stopped by pid, also when the test process exits early.

export const redisPortBase = Number(process.env.TEST_REDIS_PORT_BASE ?? 7100);

type Server = { port: number; child: ChildProcess; output: () => string };

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** One command to the server on `port`, on a connection of its own. */
export async function redisCommand(port: number, ...args: string[]): Promise<unknown> {
  return authenticatedCommand(undefined, port, ...args);
}

/** The same, authenticating with `password` first when one is given. */
export async function authenticatedCommand(
  password: string | undefined,
  port: number,
  ...args: string[]
): Promise<unknown> {
  const client = new Redis({
    port,
    host: "127.0.0.1",
    password,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    // The command's own answer (e.g. NOAUTH) rather than a ready check's failure.
    enableReadyCheck: false,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return await client.call(args[0]!, ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

function startServer(port: number, args: string[]): Server {
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.on("exit", () => running.delete(child));
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  return { port, child, output: () => output };
}

async function stopServers(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }),
  );
}

const dataServerArgs = (port: number, dir: string) => [
  "--port",
  String(port),
  "--bind",
  "127.0.0.1",
  "--save",
  "",
  "--appendonly",
  "no",
  "--dir",
  dir,
];

async function waitUntilAnswering(servers: Server[], password?: string): Promise<void> {
  for (const server of servers)
    await waitFor(
      `redis on ${server.port}\n${server.output()}`,
      async () => (await authenticatedCommand(password, server.port, "PING")) === "PONG",
    );
}

export type SentinelSet = {
  masterName: string;
  /** REDIS_SENTINELS and REDIS_SENTINEL_NAME for Herald's processes. */
  env: Record<string, string>;
  /** The port of the server the sentinels call master now. */
  masterPort: () => Promise<number>;
  /** SIGKILL of the current master (what a crashed host looks like); returns its port. */
  killMaster: () => Promise<number>;
  /** `SENTINEL FAILOVER`: the replica is promoted, the old master lives on as its replica. */
  failover: () => Promise<number>;
  /** Resolves once the replica follows the current master and every sentinel sees it in sync. */
  settle: () => Promise<void>;
  /** One command to a data server, with its password. */
  command: (port: number, ...args: string[]) => Promise<unknown>;
  stop: () => Promise<void>;
};

/**
 * A master, one replica and three sentinels (quorum 2), failing over 1 s after a master dies.
 * `passwords.redis` protects the data servers, `passwords.sentinel` the sentinels themselves.
 */
export async function startSentinelSet(
  base = redisPortBase,
  passwords: { redis?: string; sentinel?: string } = {},
): Promise<SentinelSet> {
  const dir = mkdtempSync(path.join(tmpdir(), "herald-sentinel-"));
  const masterName = "herald-master";
  const [masterPort, replicaPort] = [base, base + 1];
  const sentinelPorts = [base + 2, base + 3, base + 4];
  const dataCommand = (port: number, ...args: string[]) =>
    authenticatedCommand(passwords.redis, port, ...args);
  const sentinelCommand = (port: number, ...args: string[]) =>
    authenticatedCommand(passwords.sentinel, port, ...args);
  const auth = passwords.redis
    ? ["--requirepass", passwords.redis, "--masterauth", passwords.redis]
    : [];
  const data = [
    startServer(masterPort, [...dataServerArgs(masterPort, dir), ...auth]),
    startServer(replicaPort, [
      ...dataServerArgs(replicaPort, dir),
      ...auth,
      "--replicaof",
      "127.0.0.1",
      String(masterPort),
    ]),
  ];
  const sentinels: Server[] = [];
  try {
    await waitUntilAnswering(data, passwords.redis);
    sentinels.push(
      ...sentinelPorts.map((port) => {
        // Sentinel rewrites its configuration file, so each gets a writable one.
        const file = path.join(dir, `sentinel-${port}.conf`);
        writeFileSync(
          file,
          [
            `port ${port}`,
            "bind 127.0.0.1",
            `dir ${dir}`,
            `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 2`,
            `sentinel down-after-milliseconds ${masterName} 1000`,
            `sentinel failover-timeout ${masterName} 5000`,
            `sentinel parallel-syncs ${masterName} 1`,
            ...(passwords.redis ? [`sentinel auth-pass ${masterName} ${passwords.redis}`] : []),
            // A sentinel with a password of its own needs it to talk to the others too.
            ...(passwords.sentinel
              ? [
                  `requirepass ${passwords.sentinel}`,
                  `sentinel sentinel-pass ${passwords.sentinel}`,
                ]
              : []),
            "",
          ].join("\n"),
        );
        return startServer(port, [file, "--sentinel"]);
      }),
    );
    await waitUntilAnswering(sentinels, passwords.sentinel);
    // Ready when the replica is in sync and every sentinel knows the replica and the two others
    // (they need each other for the quorum and the failover vote).
    await waitFor("the replica to sync", async () =>
      String(await dataCommand(replicaPort, "INFO", "replication")).includes(
        "master_link_status:up",
      ),
    );
    for (const port of sentinelPorts)
      await waitFor(`sentinel ${port} to see the replica and its peers`, async () => {
        const replicas = (await sentinelCommand(
          port,
          "SENTINEL",
          "REPLICAS",
          masterName,
        )) as unknown[];
        const peers = (await sentinelCommand(
          port,
          "SENTINEL",
          "SENTINELS",
          masterName,
        )) as unknown[];
        return replicas.length === 1 && peers.length === 2;
      });
  } catch (error) {
    await stopServers([...data, ...sentinels]);
    throw error;
  }

  const masterPortNow = async () => {
    for (const port of sentinelPorts) {
      const answer = (await sentinelCommand(
        port,
        "SENTINEL",
        "GET-MASTER-ADDR-BY-NAME",
        masterName,
      ).catch(() => null)) as string[] | null;
      if (answer) return Number(answer[1]);
    }
    throw new Error("no sentinel answered");
  };
  // Before each fault, the set must be whole again: after a failover the old master resyncs as a
  // replica, and sentinels only promote a replica whose link to the master is up. Killing the
  // master before that leaves no replica good enough, and the set without a master for minutes.
  const settled = async () => {
    const master = await masterPortNow();
    const replica = data.find((server) => server.port !== master)!.port;
    await waitFor("the replica to follow the current master", async () => {
      const info = String(await dataCommand(replica, "INFO", "replication"));
      return info.includes(`master_port:${master}`) && info.includes("master_link_status:up");
    });
    for (const port of sentinelPorts)
      await waitFor(`sentinel ${port} to see the replica in sync`, async () => {
        const replicas = (await sentinelCommand(
          port,
          "SENTINEL",
          "REPLICAS",
          masterName,
        )) as string[][];
        return replicas.some((flat) => {
          const fields = new Map<string, string>();
          for (let index = 0; index + 1 < flat.length; index += 2)
            fields.set(flat[index]!, flat[index + 1]!);
          return (
            fields.get("port") === String(replica) &&
            fields.get("master-link-status") === "ok" &&
            !/s_down|o_down|disconnected/.test(fields.get("flags") ?? "")
          );
        });
      });
  };
  const all = [...data, ...sentinels];
  return {
    masterName,
    env: {
      REDIS_SENTINELS: sentinelPorts.map((port) => `127.0.0.1:${port}`).join(","),
      REDIS_SENTINEL_NAME: masterName,
      ...(passwords.redis ? { REDIS_PASSWORD: passwords.redis } : {}),
      ...(passwords.sentinel ? { REDIS_SENTINEL_PASSWORD: passwords.sentinel } : {}),
    },
    masterPort: masterPortNow,
    settle: settled,
    command: dataCommand,
    killMaster: async () => {
      await settled();
      const port = await masterPortNow();
      await stopServers(data.filter((server) => server.port === port));
      return port;
    },
    failover: async () => {
      await settled();
      const port = await masterPortNow();
      await sentinelCommand(sentinelPorts[0]!, "SENTINEL", "FAILOVER", masterName);
      return port;
    },
    stop: async () => {
      await stopServers(all);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type RedisClusterSet = {
  /** REDIS_CLUSTER_NODES (and REDIS_PASSWORD) for Herald's processes. */
  env: Record<string, string>;
  ports: number[];
  /** One command to a node, with the cluster's password. */
  command: (port: number, ...args: string[]) => Promise<unknown>;
  stop: () => Promise<void>;
};

/** Three masters (no replicas) sharing the 16384 slots; each asks for `password` when given. */
export async function startRedisCluster(
  base = redisPortBase + 10,
  password?: string,
): Promise<RedisClusterSet> {
  const auth = password ? ["--requirepass", password, "--masterauth", password] : [];
  const command = (port: number, ...args: string[]) =>
    authenticatedCommand(password, port, ...args);
  const dir = mkdtempSync(path.join(tmpdir(), "herald-cluster-"));
  const ports = [base, base + 1, base + 2];
  const nodes = ports.map((port) =>
    startServer(port, [
      ...dataServerArgs(port, dir),
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      path.join(dir, `nodes-${port}.conf`),
      "--cluster-node-timeout",
      "2000",
      ...auth,
    ]),
  );
  try {
    await waitUntilAnswering(nodes, password);
    const created = spawnSync(
      "redis-cli",
      [
        "--cluster",
        "create",
        ...ports.map((port) => `127.0.0.1:${port}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
        ...(password ? ["-a", password, "--no-auth-warning"] : []),
      ],
      { encoding: "utf8", timeout: 30_000 },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed:\n${created.stdout}${created.stderr}`);
    for (const port of ports)
      await waitFor(`cluster node ${port} to be ok`, async () =>
        String(await command(port, "CLUSTER", "INFO")).includes("cluster_state:ok"),
      );
  } catch (error) {
    await stopServers(nodes);
    throw error;
  }
  return {
    env: {
      REDIS_CLUSTER_NODES: ports.map((port) => `127.0.0.1:${port}`).join(","),
      ...(password ? { REDIS_PASSWORD: password } : {}),
    },
    ports,
    command,
    stop: async () => {
      await stopServers(nodes);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One plain Redis on a port of its own (default base + 20), for a suite that flushes its data. */
export async function startStandaloneRedis(
  port = redisPortBase + 20,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), "herald-redis-"));
  const server = startServer(port, dataServerArgs(port, dir));
  try {
    await waitUntilAnswering([server]);
  } catch (error) {
    await stopServers([server]);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}/0`,
    stop: async () => {
      await stopServers([server]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

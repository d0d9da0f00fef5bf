import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

// Child processes of the benchmark: each runs in its own process group (detached) so it can be
// stopped with everything it started, and every one is killed when the benchmark exits, however
// it exits.

const children = new Set<ChildProcess>();
const stopping = new WeakSet<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function killAllNow(): void {
  for (const child of children) signalGroup(child, "SIGKILL");
}

let installed = false;
export function killChildrenOnExit(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killAllNow);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      console.error(`\nbench: ${signal}, stopping child processes`);
      killAllNow();
      process.exit(130);
    });
  }
}

/** SIGTERM (graceful: flushes batches, writes CPU profiles), then SIGKILL after graceMs. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  stopping.add(child);
  signalGroup(child, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  // Anything the child left behind in its group.
  signalGroup(child, "SIGKILL");
}

export type Started = { child: ChildProcess; output: () => string };

/** Starts a command in its own process group, keeping the last 64 KiB of its output for errors. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
): Started {
  const child = track(
    spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] }),
  );
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-65_536);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.once("exit", (code, signal) => {
    if (code && !stopping.has(child))
      console.error(
        `bench: ${name} exited with code ${code}${signal ? ` (${signal})` : ""}\n${output.slice(-4000)}`,
      );
  });
  return { child, output: () => output };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- /proc readings: memory of the workers, CPU time per component ---

const CLOCK_TICKS = 100; // USER_HZ on Linux

type ProcInfo = { pid: number; pgid: number; comm: string; cpuSeconds: number };

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    // fields[0] is state (field 3); pgrp is field 5, utime 14, stime 15.
    return {
      pid,
      pgid: Number(fields[2]),
      comm,
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
    };
  } catch {
    return null;
  }
}

function allProcesses(): ProcInfo[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProc(Number(name)))
    .filter((info): info is ProcInfo => info !== null);
}

/**
 * A named set of processes whose CPU time is summed: a process group, or the processes of a command
 * name (optionally only those whose title contains a string, e.g. Postgres backends of one
 * database).
 */
export type Component = { name: string; pgid?: number; comm?: string; titleIncludes?: string };

/**
 * CPU seconds used so far by each component's processes, by pid (diff two readings with
 * cpuDelta).
 */
export type CpuReading = Record<string, Record<number, number>>;

export function cpuSeconds(components: Component[]): CpuReading {
  const processes = allProcesses();
  const reading: CpuReading = {};
  for (const component of components) {
    const matching = processes.filter((info) =>
      component.pgid
        ? info.pgid === component.pgid
        : info.comm === component.comm &&
          (!component.titleIncludes || cmdline(info.pid).includes(component.titleIncludes)),
    );
    reading[component.name] = Object.fromEntries(
      matching.map((info) => [info.pid, info.cpuSeconds]),
    );
  }
  return reading;
}

/**
 * CPU seconds each component spent between two readings, process by process: a process that
 * started in between counts from 0, and one that exited takes its time since the first reading
 * with it (an undercount). Summing totals instead let an exiting process, e.g. a Postgres backend
 * of an idle pool, subtract its whole life from the phase.
 */
export function cpuDelta(before: CpuReading, after: CpuReading): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([name, pids]) => {
      const earlier = before[name] ?? {};
      const spent = Object.entries(pids).reduce(
        // Never below 0 per process: a pid reused by a shorter-lived process in between.
        (sum, [pid, seconds]) => sum + Math.max(0, seconds - (earlier[Number(pid)] ?? 0)),
        0,
      );
      return [name, round(spent, 2)];
    }),
  );
}

/** Resident memory of one process in MiB: current (VmRSS) and peak so far (VmHWM). */
function memoryMiB(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
    return { rss: round(kib("VmRSS") / 1024, 1), peak: round(kib("VmHWM") / 1024, 1) };
  } catch {
    return null;
  }
}

/**
 * Samples a process's memory every intervalMs and remembers the peak (VmHWM covers spikes between
 * samples).
 */
export function sampleMemory(pid: number, intervalMs = 250) {
  let peak = 0;
  let last = 0;
  const take = () => {
    const memory = memoryMiB(pid);
    if (!memory) return;
    last = memory.rss;
    peak = Math.max(peak, memory.peak, memory.rss);
  };
  take();
  const timer = setInterval(take, intervalMs);
  timer.unref();
  return {
    read: () => {
      take();
      return { peakMiB: peak, lastMiB: last };
    },
    stop: () => clearInterval(timer),
  };
}

export const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;

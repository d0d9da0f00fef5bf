import { BlockList, isIP } from "node:net";

// HERALD_ALLOWED_DESTINATIONS: IP addresses, CIDR ranges and host names the private-address guard
// lets through. One reading of an entry serves both lib/env.ts (which refuses a bad one at
// start-up) and the guard (destinations.ts). No env import here: lib/env.ts imports this.

export type AllowList = { hosts: Set<string>; addresses: BlockList };

type Entry =
  | { kind: "address"; address: string; type: "ipv4" | "ipv6" }
  | { kind: "range"; network: string; prefix: number; type: "ipv4" | "ipv6" }
  | { kind: "host"; host: string };

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

/** An entry read, or why it is not an IP address, a CIDR range or a host name. */
function readEntry(raw: string): Entry | { issue: string } {
  const entry = raw.trim().toLowerCase();
  const [network = "", prefix, ...rest] = entry.split("/");
  const family = isIP(network);
  const type = family === 6 ? "ipv6" : "ipv4";
  if (prefix !== undefined || rest.length) {
    const max = family === 6 ? 128 : 32;
    if (!family || rest.length || !/^\d{1,3}$/.test(prefix ?? "") || Number(prefix) > max) {
      return { issue: `is not an IP address, a CIDR range (prefix 0-${max}) or a host name` };
    }
    return { kind: "range", network, prefix: Number(prefix), type };
  }
  if (family) return { kind: "address", address: network, type };
  return HOST_NAME.test(entry)
    ? { kind: "host", host: entry }
    : { issue: "is not an IP address, a CIDR range or a host name" };
}

export function allowListEntryIssue(raw: string): string | null {
  const read = readEntry(raw);
  return "issue" in read ? read.issue : null;
}

/**
 * The guard's allow list; entries that are not valid were refused at start-up (lib/env.ts) and are
 * skipped.
 */
export function parseAllowList(entries: string[]): AllowList {
  const hosts = new Set<string>();
  const addresses = new BlockList();
  for (const raw of entries.filter((value) => value.trim())) {
    const entry = readEntry(raw);
    if ("issue" in entry) continue;
    if (entry.kind === "range") addresses.addSubnet(entry.network, entry.prefix, entry.type);
    else if (entry.kind === "address") addresses.addAddress(entry.address, entry.type);
    else hosts.add(entry.host);
  }
  return { hosts, addresses };
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:10.0.0.1) carries, or null. */
export function ipv4FromMapped(address: string): string | null {
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? null;
}

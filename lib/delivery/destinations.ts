import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { BlockList, isIP } from "node:net";
import { env } from "../env";
import { ipv4FromMapped, parseAllowList, type AllowList } from "./allow-list";

// The private-address guard. Checked on the address a connection is actually made to (a custom
// DNS lookup for names, a direct check for IP literals), so DNS rebinding cannot slip past it.

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
  ["2001:db8::", 32],
  ["100::", 64],
  // IPv4 written as IPv6 in the forms BlockList does not judge as the IPv4 address they carry (it
  // does for IPv4-mapped ::ffff:a.b.c.d): IPv4-compatible (::7f00:1) and IPv4-translated
  // (::ffff:0:7f00:1). Neither is a public destination.
  ["::", 96],
  ["::ffff:0:0:0", 96],
] as const)
  blocked.addSubnet(network, prefix, "ipv6");

let configured: AllowList | undefined;
export function configuredAllowList(): AllowList {
  configured ??= parseAllowList(env.HERALD_ALLOWED_DESTINATIONS);
  return configured;
}

/** IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it carries. */
function normalise(address: string): { address: string; type: "ipv4" | "ipv6" } {
  const mapped = ipv4FromMapped(address);
  if (mapped) return { address: mapped, type: "ipv4" };
  return { address, type: isIP(address) === 6 ? "ipv6" : "ipv4" };
}

/** null when delivering to this host/address is allowed, otherwise why it is refused. */
export function destinationRefusal(
  hostname: string,
  address: string,
  allow: AllowList = configuredAllowList(),
): string | null {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (allow.hosts.has(host)) return null;
  const { address: normalised, type } = normalise(address);
  if (allow.addresses.check(normalised, type)) return null;
  if (!blocked.check(normalised, type)) return null;
  return `destination ${hostname} resolves to private, loopback or link-local address ${address}; add it to HERALD_ALLOWED_DESTINATIONS to allow it`;
}

/**
 * IP literals are connected to without a DNS lookup, so the guard checks them before the request.
 */
export function literalDestinationRefusal(hostname: string): string | null {
  const literal = hostname.replace(/^\[|\]$/g, "");
  return isIP(literal) ? destinationRefusal(literal, literal) : null;
}

class DestinationRefusedError extends Error {
  readonly code = "EDESTINATIONREFUSED";
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A dns.lookup replacement for net/tls.connect that refuses private destinations. */
export function guardedLookup(allow: AllowList = configuredAllowList()) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, options.all ? [] : "", undefined);
      for (const entry of addresses) {
        const refusal = destinationRefusal(hostname, entry.address, allow);
        if (refusal)
          return callback(new DestinationRefusedError(refusal), options.all ? [] : "", undefined);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { env } from "../env";
import { ipv4FromMapped, parseAllowList, type AllowList } from "./allow-list";

// The private-address guard. Checked on the address a connection is actually made to (a custom
// DNS lookup for names, a direct check for IP literals), so DNS rebinding cannot slip past it.

/**
 * Only public unicast addresses are delivered to: ipaddr.js classifies every special-purpose range
 * (private, loopback, link-local, CGNAT, documentation, benchmarking, multicast, site-local...).
 * IPv6 outside 2000::/3 (global unicast) is never public, e.g. the deprecated IPv4-compatible ::/96.
 */
const GLOBAL_UNICAST_IPV6 = ipaddr.IPv6.parseCIDR("2000::/3");

/** IPv6 ranges that carry an IPv4 address: where one leads is decided by the address it carries. */
function embeddedIPv4s(address: ipaddr.IPv6): ipaddr.IPv4[] | null {
  const bytes = address.toByteArray();
  const ipv4 = (octets: number[]) => new ipaddr.IPv4(octets);
  switch (address.range()) {
    case "ipv4Mapped":
      return [address.toIPv4Address()];
    case "rfc6052": {
      // NAT64: 64:ff9b::/96 puts it in the last 32 bits. The local-use 64:ff9b:1::/48 may use any
      // RFC 6052 layout; only the /96 one (zeros between) says which address it is for sure.
      const middleIsZero = bytes.slice(6, 12).every((byte) => byte === 0);
      return middleIsZero ? [ipv4(bytes.slice(12, 16))] : [];
    }
    case "6to4":
      return [ipv4(bytes.slice(2, 6))];
    case "teredo":
      // Teredo server (bits 32-63) and client (the last 32 bits, inverted).
      return [ipv4(bytes.slice(4, 8)), ipv4(bytes.slice(12, 16).map((byte) => byte ^ 0xff))];
    default:
      return null;
  }
}

/** The IPv4 addresses that decide whether `address` is public; [] = never public. */
function addressesToJudge(address: string): ipaddr.IPv4[] | ipaddr.IPv6 {
  if (!ipaddr.isValid(address)) return [];
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv4") return [parsed as ipaddr.IPv4];
  const ipv6 = parsed as ipaddr.IPv6;
  return embeddedIPv4s(ipv6) ?? ipv6;
}

function isPublicAddress(address: string, allow: AllowList): boolean {
  const judged = addressesToJudge(address);
  if (judged instanceof ipaddr.IPv6)
    return judged.range() === "unicast" && judged.match(GLOBAL_UNICAST_IPV6);
  // An embedded private IPv4 address the operator allowed (10.0.0.0/8, say) is allowed here too.
  return (
    judged.length > 0 &&
    judged.every(
      (ipv4) => ipv4.range() === "unicast" || allow.addresses.check(ipv4.toString(), "ipv4"),
    )
  );
}

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
  if (isPublicAddress(address, allow)) return null;
  return `destination ${hostname} resolves to private, loopback or link-local address ${address}; add it to HERALD_ALLOWED_DESTINATIONS to allow it`;
}

/** Verdicts on IP literals under the process's allow list: an endpoint's host is judged once. */
const literalVerdicts = new Map<string, string | null>();
const LITERAL_VERDICTS_KEPT = 1000;

/**
 * IP literals are connected to without a DNS lookup, so the guard checks them before the request.
 */
export function literalDestinationRefusal(hostname: string): string | null {
  const literal = hostname.replace(/^\[|\]$/g, "");
  if (!isIP(literal)) return null;
  let verdict = literalVerdicts.get(literal);
  if (verdict === undefined) {
    verdict = destinationRefusal(literal, literal);
    if (literalVerdicts.size >= LITERAL_VERDICTS_KEPT) literalVerdicts.clear();
    literalVerdicts.set(literal, verdict);
  }
  return verdict;
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

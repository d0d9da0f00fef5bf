import { describe, expect, it } from "vitest";
import { destinationRefusal } from "@/lib/delivery/destinations";
import { parseAllowList } from "@/lib/delivery/allow-list";

const none = parseAllowList([]);

describe("private destination guard", () => {
  it("refuses private, loopback, link-local, CGNAT and metadata addresses", () => {
    for (const address of [
      "10.0.0.1",
      "127.0.0.1",
      "169.254.169.254",
      "172.16.5.4",
      "192.168.1.1",
      "100.64.0.1",
      "::1",
      "fe80::1",
      "fd00:ec2::254",
      "::ffff:10.0.0.1",
      "0.0.0.0",
      "::ffff:7f00:1",
      "::7f00:1",
      "::ffff:0:7f00:1",
      "::ffff:0:a00:1",
    ]) {
      expect(destinationRefusal("host", address, none), address).toMatch(/private/);
    }
    expect(destinationRefusal("example.com", "93.184.216.34", none)).toBeNull();
    expect(destinationRefusal("example.com", "2606:2800:220:1::1", none)).toBeNull();
  });

  it("allows hosts and CIDRs on the allow-list", () => {
    const allow = parseAllowList(["localhost", "10.1.0.0/16", "127.0.0.1"]);
    expect(destinationRefusal("localhost", "::1", allow)).toBeNull();
    expect(destinationRefusal("x", "10.1.2.3", allow)).toBeNull();
    expect(destinationRefusal("x", "127.0.0.1", allow)).toBeNull();
    expect(destinationRefusal("x", "10.2.0.1", allow)).toMatch(/private/);
  });
});

// IPv6 addresses that carry an IPv4 address (NAT64, 6to4, Teredo) lead wherever that IPv4 address
// does, so the guard judges the address they carry; site-local fec0::/10 is never public.

const refused = (address: string, allow = none) => destinationRefusal("host", address, allow);

describe("private destination guard: IPv6 ranges that embed IPv4", () => {
  it("refuses NAT64, 6to4 and Teredo addresses that carry a private or loopback IPv4 address", () => {
    for (const address of [
      "64:ff9b::a00:1", // NAT64 well-known prefix, 10.0.0.1
      "64:ff9b::7f00:1", // 127.0.0.1
      "64:ff9b::a9fe:a9fe", // 169.254.169.254 (cloud metadata)
      "64:ff9b:1::a00:1", // local-use NAT64 prefix, 10.0.0.1
      "64:ff9b:1::7f00:1",
      "2002:a00:1::1", // 6to4 of 10.0.0.1
      "2002:7f00:1::", // 6to4 of 127.0.0.1
      "2002:a9fe:a9fe::1", // 6to4 of 169.254.169.254
      "2001:0:808:808::80ff:fffe", // Teredo, client 127.0.0.1 (stored inverted)
      "2001:0:a00:1::f7f7:fbfb", // Teredo, server 10.0.0.1
    ]) {
      expect(refused(address), address).toMatch(/private/);
    }
  });

  it("refuses site-local fec0::/10 and other IPv6 that is not global unicast", () => {
    for (const address of ["fec0::1", "feff::1", "fec0:0:0:ffff::1", "100::1", "3fff::1"])
      expect(refused(address), address).toMatch(/private/);
  });

  it("delivers to NAT64, 6to4 and Teredo addresses that carry a public IPv4 address", () => {
    for (const address of [
      "64:ff9b::808:808", // NAT64 of 8.8.8.8
      "64:ff9b:1::808:808",
      "2002:808:808::1", // 6to4 of 8.8.8.8
      "2001:0:808:808::f7f7:fbfb", // Teredo, server 8.8.8.8, client 8.8.4.4
    ]) {
      expect(refused(address), address).toBeNull();
    }
  });

  it("refuses a local-use NAT64 address whose layout does not say which IPv4 address it is", () => {
    expect(refused("64:ff9b:1:808:8:800::")).toMatch(/private/);
  });

  it("lets the allow-list admit a private IPv4 address however it is embedded", () => {
    const allow = parseAllowList(["10.0.0.0/8"]);
    expect(refused("64:ff9b::a00:1", allow)).toBeNull();
    expect(refused("2002:a00:1::1", allow)).toBeNull();
    expect(refused("64:ff9b::7f00:1", allow)).toMatch(/private/);
  });
});

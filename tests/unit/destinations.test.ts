import { describe, expect, it } from "vitest";
import { destinationRefusal } from "@/lib/delivery/destinations";
import { parseAllowList } from "@/lib/delivery/allow-list";

describe("private destination guard", () => {
  const none = parseAllowList([]);
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

import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { authOptions } from "@/lib/auth/options";
import { CLIENT_ADDRESS_HEADER } from "@/lib/auth/client-address";
import { LOGIN_ATTEMPTS_ALLOWED } from "@/lib/auth/login-throttle";
import { disconnectRedis } from "@/lib/redis";
import { testEnv } from "../helpers/test-env";

// The dashboard's sign-in (lib/auth/options.ts): authorize() against the real Redis, where sign-in
// attempts are counted per email and address, and the session token's check of the credentials.

type Authorize = (
  credentials: Record<string, string>,
  req: { headers: Record<string, string> },
) => Promise<unknown>;
const provider = authOptions.providers[0] as unknown as { options: { authorize: Authorize } };
const authorize = (password: string, address: string) =>
  provider.options.authorize(
    { email: testEnv.HERALD_ADMIN_EMAIL!, password },
    { headers: { [CLIENT_ADDRESS_HEADER]: address } },
  );

// A fresh address per run: the counts live in Redis for 15 minutes.
const address = () => `203.0.113.${randomBytes(1)[0]}-${randomBytes(4).toString("hex")}`;

afterAll(() => disconnectRedis());

describe("sign-in throttling", () => {
  it("refuses the right password from an address that used up its failures, and only there", async () => {
    const attacker = address();
    for (let attempt = 0; attempt < LOGIN_ATTEMPTS_ALLOWED; attempt++)
      expect(await authorize(`wrong-${attempt}`, attacker)).toBeNull();
    await expect(authorize(testEnv.HERALD_ADMIN_PASSWORD!, attacker)).rejects.toThrow(
      /Too many failed sign-ins\. Try again in 15 minutes\./,
    );
    expect(await authorize(testEnv.HERALD_ADMIN_PASSWORD!, address())).toMatchObject({
      email: testEnv.HERALD_ADMIN_EMAIL,
    });
  });

  it("counts parallel guesses like sequential ones: a burst gets no more tries", async () => {
    const attacker = address();
    const burst = await Promise.allSettled(
      Array.from({ length: 30 }, (_, index) => authorize(`burst-${index}`, attacker)),
    );
    expect(burst.filter((result) => result.status === "fulfilled")).toHaveLength(
      LOGIN_ATTEMPTS_ALLOWED,
    );
    expect(burst.filter((result) => result.status === "rejected")).toHaveLength(
      30 - LOGIN_ATTEMPTS_ALLOWED,
    );
    await expect(authorize(testEnv.HERALD_ADMIN_PASSWORD!, attacker)).rejects.toThrow(
      /Too many failed sign-ins/,
    );
  });

  it("counts IPv6 clients per /64, and keys stay small whatever the email", async () => {
    const network = `2001:db8:${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}`;
    for (let attempt = 0; attempt < LOGIN_ATTEMPTS_ALLOWED; attempt++)
      await authorize(`v6-${attempt}`, `${network}::${attempt + 1}`);
    await expect(
      authorize(testEnv.HERALD_ADMIN_PASSWORD!, `${network}:0:0:0:ffff`),
    ).rejects.toThrow(/Too many failed sign-ins/);
    expect(
      await authorize(
        testEnv.HERALD_ADMIN_PASSWORD!,
        `2001:db8:${randomBytes(2).toString("hex")}::1`,
      ),
    ).toMatchObject({ email: testEnv.HERALD_ADMIN_EMAIL });
    const huge = provider.options.authorize(
      { email: `${"x".repeat(100_000)}@example.com`, password: "nope" },
      { headers: { [CLIENT_ADDRESS_HEADER]: address() } },
    );
    expect(await huge).toBeNull();
  });

  it("counts IPv4 clients seen as IPv4-mapped IPv6 (a dual-stack listener) one address each", async () => {
    const mapped = (octet: number) => `::ffff:198.51.${randomBytes(1)[0]}.${octet}`;
    const attacker = mapped(7);
    for (let attempt = 0; attempt < LOGIN_ATTEMPTS_ALLOWED; attempt++)
      await authorize(`mapped-${attempt}`, attacker);
    await expect(authorize(testEnv.HERALD_ADMIN_PASSWORD!, attacker)).rejects.toThrow(
      /Too many failed sign-ins/,
    );
    expect(await authorize(testEnv.HERALD_ADMIN_PASSWORD!, mapped(8))).toMatchObject({
      email: testEnv.HERALD_ADMIN_EMAIL,
    });
    expect(await authorize(testEnv.HERALD_ADMIN_PASSWORD!, "::1")).toMatchObject({
      email: testEnv.HERALD_ADMIN_EMAIL,
    });
  });

  it("forgets earlier failures after a successful sign-in", async () => {
    const admin = address();
    for (let attempt = 0; attempt < LOGIN_ATTEMPTS_ALLOWED - 1; attempt++)
      await authorize(`typo-${attempt}`, admin);
    expect(await authorize(testEnv.HERALD_ADMIN_PASSWORD!, admin)).toMatchObject({
      email: testEnv.HERALD_ADMIN_EMAIL,
    });
    for (let attempt = 0; attempt < LOGIN_ATTEMPTS_ALLOWED - 1; attempt++)
      expect(await authorize(`typo-${attempt}`, admin)).toBeNull();
    expect(await authorize(testEnv.HERALD_ADMIN_PASSWORD!, admin)).toMatchObject({
      email: testEnv.HERALD_ADMIN_EMAIL,
    });
  });
});

describe("dashboard sessions", () => {
  type Token = Record<string, unknown>;
  const jwt = authOptions.callbacks!.jwt as unknown as (params: {
    token: Token;
    user?: unknown;
  }) => Promise<Token> | Token;
  const admin = testEnv.HERALD_ADMIN_EMAIL!;

  it("end when the admin's credentials change, and carry nothing of the password", async () => {
    const signedIn = await jwt({
      token: { email: admin, name: "Admin" },
      user: { id: "admin", email: admin },
    });
    expect(signedIn).toMatchObject({ email: admin, credentials: expect.any(String) });
    expect(JSON.stringify(signedIn)).not.toContain(testEnv.HERALD_ADMIN_PASSWORD!);
    expect(await jwt({ token: signedIn })).toEqual(signedIn);
    // Signed in with an earlier password (or before sessions carried the check): no user any more.
    expect(await jwt({ token: { ...signedIn, credentials: "an-earlier-password's" } })).toEqual({});
    expect(await jwt({ token: { email: admin, name: "Admin" } })).toEqual({});
  });

  it("lose their user in the session itself, which next-auth builds from the token as it arrived", async () => {
    const sessionCallback = authOptions.callbacks!.session as unknown as (params: {
      session: Record<string, unknown>;
      token: Token;
    }) => Promise<Record<string, unknown>> | Record<string, unknown>;
    const current = await jwt({ token: { email: admin }, user: { id: "admin", email: admin } });
    const asArrived = {
      user: { email: admin, name: "Admin" },
      expires: "2099-01-01T00:00:00.000Z",
    };
    expect(await sessionCallback({ session: asArrived, token: current })).toEqual(asArrived);
    const stale = await jwt({ token: { ...current, credentials: "an-earlier-password's" } });
    expect(await sessionCallback({ session: asArrived, token: stale })).toEqual({
      expires: asArrived.expires,
    });
    expect(authOptions.jwt?.maxAge).toBe(authOptions.session?.maxAge);
  });
});

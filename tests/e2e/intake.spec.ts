import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { apiCall, bearer, createAppViaApi, expect, test, uniqueId } from "./fixtures";

// The web server (server/index.ts) hands well-formed intake POSTs straight to their route handlers
// and everything else to Next. Both paths must answer the same, so each case is sent both ways:
// with Content-Length (direct) and chunked, without one (through Next).

type Answer = { status: number; body: any };

function post(
  baseURL: string,
  path: string,
  headers: Record<string, string>,
  body: string,
  chunked: boolean,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(path, baseURL),
      {
        method: "POST",
        headers: chunked
          ? headers
          : { ...headers, "content-length": String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
        });
      },
    );
    req.on("error", reject);
    if (chunked) {
      // Two writes without a length: node sends Transfer-Encoding: chunked.
      req.write(body.slice(0, 10));
      req.end(body.slice(10));
    } else req.end(body);
  });
}

const json = { ...bearer, "content-type": "application/json" };
const event = (id: string) => ({
  id,
  name: "client_event",
  channel: "private-intake",
  event: "client-typing",
  data: { typing: true },
});

for (const chunked of [false, true]) {
  const way = chunked ? "through Next (chunked)" : "direct (Content-Length)";

  test(`native ingest answers the same ${way}`, async ({ request, baseURL }) => {
    const app = await createAppViaApi(request, "Intake paths");
    const path = `/api/v1/apps/${app.id}/events`;

    const stored = await post(
      baseURL!,
      path,
      json,
      JSON.stringify({ events: [event("evt-1"), event("evt-2")] }),
      chunked,
    );
    expect(stored).toEqual({ status: 202, body: { accepted: ["evt-1", "evt-2"], duplicates: [] } });
    const again = await post(
      baseURL!,
      path,
      json,
      JSON.stringify({ events: [event("evt-2")] }),
      chunked,
    );
    expect(again).toEqual({ status: 202, body: { accepted: [], duplicates: ["evt-2"] } });
    const listed = await apiCall<{ data: { id: string }[] }>(
      request,
      "GET",
      `/apps/${app.id}/events`,
    );
    expect(listed.data.map((row) => row.id).sort()).toEqual(["evt-1", "evt-2"]);

    const unknownApp = await post(
      baseURL!,
      "/api/v1/apps/no-such-app/events",
      json,
      JSON.stringify({ events: [event("evt-3")] }),
      chunked,
    );
    expect(unknownApp.status).toBe(404);
    expect(unknownApp.body.error.code).toBe("not_found");

    const invalid = await post(
      baseURL!,
      path,
      json,
      JSON.stringify({ events: [{ name: "client_event" }] }),
      chunked,
    );
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.message).toContain("events.0.channel");

    const badToken = await post(
      baseURL!,
      path,
      { ...json, authorization: "Bearer nope" },
      JSON.stringify({ events: [event("evt-4")] }),
      chunked,
    );
    expect(badToken.status).toBe(401);
  });

  test(`Pusher intake answers the same ${way}`, async ({ request, baseURL }) => {
    const app = await createAppViaApi(request, "Pusher intake paths");
    const path = `/api/intake/pusher/${app.id}`;
    const body = JSON.stringify({
      time_ms: Date.now(),
      events: [{ name: "channel_occupied", channel: "presence-lobby" }],
    });
    const signature = createHmac("sha256", app.secret).update(body).digest("hex");

    const accepted = await post(
      baseURL!,
      path,
      {
        "content-type": "application/json",
        "x-pusher-key": app.key,
        "x-pusher-signature": signature,
      },
      body,
      chunked,
    );
    expect(accepted.status).toBe(202);
    expect(accepted.body.accepted).toHaveLength(1);

    const forged = await post(
      baseURL!,
      path,
      {
        "content-type": "application/json",
        "x-pusher-key": app.key,
        "x-pusher-signature": "0".repeat(64),
      },
      body,
      chunked,
    );
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe("unauthorized");

    const oddHost = await post(
      baseURL!,
      path,
      {
        "content-type": "application/json",
        "x-pusher-key": app.key,
        "x-pusher-signature": signature,
        host: "[zz",
      },
      body,
      chunked,
    );
    expect(oddHost.status, "a malformed Host header is not the intake's business").toBeLessThan(
      500,
    );
  });

  test(`Pusher intake refuses stale bodies, replays and unknown apps alike ${way}`, async ({
    request,
    baseURL,
  }) => {
    const app = await createAppViaApi(request, "Replays");
    const send = (appId: string, body: string) =>
      post(
        baseURL!,
        `/api/intake/pusher/${appId}`,
        {
          "content-type": "application/json",
          "x-pusher-key": app.key,
          "x-pusher-signature": createHmac("sha256", app.secret).update(body).digest("hex"),
        },
        body,
        chunked,
      );
    const webhook = (timeMs: number) =>
      JSON.stringify({ time_ms: timeMs, events: [{ name: "channel_occupied", channel: "c" }] });

    const stale = await send(app.id, webhook(1_700_000_000_000));
    expect(stale.status).toBe(401);
    expect(stale.body.error.message).toMatch(/^time_ms 1700000000000 is \d+ s behind/);

    const fresh = webhook(Date.now());
    expect((await send(app.id, fresh)).status).toBe(202);
    expect(await send(app.id, fresh)).toEqual({
      status: 200,
      body: { accepted: [], duplicates: [], replay: true },
    });

    const forged = await post(
      baseURL!,
      `/api/intake/pusher/${app.id}`,
      {
        "content-type": "application/json",
        "x-pusher-key": app.key,
        "x-pusher-signature": "0".repeat(64),
      },
      fresh,
      chunked,
    );
    const unknownApp = await send(uniqueId("no-such-app"), fresh);
    expect(forged.status).toBe(401);
    expect(unknownApp).toEqual(forged);
  });

  test(`deep nesting around a 16-digit number is a 422 on both intakes ${way}`, async ({
    request,
    baseURL,
  }) => {
    const app = await createAppViaApi(request, "Deep nesting");
    const body = "[".repeat(10_000) + "1234567890123456" + "]".repeat(10_000);
    const signature = createHmac("sha256", app.secret).update(body).digest("hex");
    const nested = {
      code: "validation_failed",
      message: "Request body is nested deeper than 32 levels",
    };
    const native = await post(baseURL!, `/api/v1/apps/${app.id}/events`, json, body, chunked);
    expect(native.status).toBe(422);
    expect(native.body.error).toMatchObject(nested);
    const pusher = await post(
      baseURL!,
      `/api/intake/pusher/${app.id}`,
      {
        "content-type": "application/json",
        "x-pusher-key": app.key,
        "x-pusher-signature": signature,
      },
      body,
      chunked,
    );
    expect(pusher.status).toBe(422);
    expect(pusher.body.error).toMatchObject(nested);
  });
}

test("pages and API answers carry the anti-framing and no-sniff headers", async ({ request }) => {
  for (const path of ["/login", "/api/health"]) {
    const headers = (await request.get(path)).headers();
    expect(headers["content-security-policy"], path).toBe("frame-ancestors 'none'");
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("same-origin");
  }
});

test("an oversized intake body is refused with 413 before it is read", async ({
  request,
  baseURL,
}) => {
  const app = await createAppViaApi(request, "Oversized intake");
  const huge = JSON.stringify({
    events: [{ ...event("big"), data: "x".repeat(1024 * 1024 + 10) }],
  });
  const answer = await post(baseURL!, `/api/v1/apps/${app.id}/events`, json, huge, false);
  expect(answer.status).toBe(413);
  expect(answer.body.error.code).toBe("payload_too_large");
});

test("the dashboard's session can ingest without a token (served by Next)", async ({ request }) => {
  const app = await createAppViaApi(request, "Session intake");
  // The request fixture carries the signed-in admin's session cookie, not a token.
  const response = await request.post(`/api/v1/apps/${app.id}/events`, {
    data: { events: [event("from-session")] },
  });
  expect(response.status()).toBe(202);
  expect(await response.json()).toEqual({ accepted: ["from-session"], duplicates: [] });
});

test("a page on another origin of the same site cannot use the dashboard session to change anything", async ({
  page,
  request,
  baseURL,
}) => {
  const csrfId = uniqueId("csrf");
  const ownId = uniqueId("same-origin");
  const createApp = (id: string) => ({
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: JSON.stringify({ id, name: id }),
  });
  // Another port on the same host: same site, so the SameSite=Lax session cookie goes along.
  const attacker = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<script>fetch(${JSON.stringify(`${baseURL}/api/v1/apps`)}, { ...${JSON.stringify(createApp(csrfId))}, mode: "no-cors", credentials: "include" })
      .then(() => { document.title = "sent"; }, () => { document.title = "failed"; });</script>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  try {
    const other = await page.context().newPage();
    await other.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    await expect(other).toHaveTitle("sent");
    await other.close();
  } finally {
    attacker.close();
  }
  expect((await request.get(`/api/v1/apps/${csrfId}`, { headers: bearer })).status()).toBe(404);
  // The dashboard's own pages still can.
  await page.goto("/");
  const status = await page.evaluate(
    async (init) => (await fetch("/api/v1/apps", init)).status,
    createApp(ownId),
  );
  expect(status).toBe(201);
});

test("an API path with a broken percent-encoding gets a JSON 400", async ({ baseURL }) => {
  const answer = await post(
    baseURL!,
    "/api/v1/apps/%E0%A4%A/events",
    json,
    JSON.stringify({ events: [event("x")] }),
    false,
  );
  expect(answer.status).toBe(400);
  expect(answer.body.error.message).toContain("malformed percent-encoding");
});

test("a method a route does not support gets a JSON 405 naming it", async ({ request }) => {
  const response = await request.fetch("/api/v1/apps", {
    method: "PUT",
    headers: bearer,
    data: {},
  });
  expect(response.status()).toBe(405);
  expect(response.headers()["content-type"]).toContain("application/json");
  expect((await response.json()).error).toMatchObject({
    code: "method_not_allowed",
    message: "PUT is not supported on /api/v1/apps",
  });
  expect(response.headers()["allow"]).toBe("GET, HEAD, OPTIONS, POST");
  // The methods it does support are untouched.
  expect((await request.get("/api/v1/apps", { headers: bearer })).status()).toBe(200);
});

test("every API route's 405 names the methods Next itself answers OPTIONS with", async ({
  request,
}) => {
  const doc = await (await request.get("/api/v1/openapi.json", { headers: bearer })).json();
  const paths = Object.keys(doc.paths as Record<string, unknown>);
  expect(paths.length).toBeGreaterThan(20);
  for (const template of paths) {
    const path = template.replace(/\{[^}]+\}/g, "00000000-0000-7000-8000-000000000000");
    const options = await request.fetch(path, { method: "OPTIONS" });
    expect(options.status(), template).toBe(204);
    const allow = options.headers()["allow"]!;
    const unsupported = ["PUT", "PATCH", "DELETE", "POST", "GET"].find(
      (method) => !allow.split(", ").includes(method),
    );
    if (!unsupported) continue;
    const refused = await request.fetch(path, { method: unsupported, headers: bearer });
    expect(refused.status(), `${unsupported} ${template}`).toBe(405);
    expect(refused.headers()["allow"], `${unsupported} ${template}`).toBe(allow);
  }
  // next-auth's routes, which the document leaves out, and a method no route handler can have.
  const authOptions = await request.fetch("/api/auth/session", { method: "OPTIONS" });
  const authPut = await request.fetch("/api/auth/session", { method: "PUT" });
  expect(authPut.status()).toBe(405);
  expect(authPut.headers()["allow"]).toBe(authOptions.headers()["allow"]);
  const trace = await request.fetch("/api/v1/apps", { method: "TRACE", headers: bearer });
  expect(trace.status()).toBe(405);
  expect(trace.headers()["allow"]).toBe("GET, HEAD, OPTIONS, POST");
  expect((await trace.json()).error.code).toBe("method_not_allowed");
});

test("a chunked intake body past the limit is refused while it is still being sent", async ({
  baseURL,
}) => {
  // Chunks keep coming until the server answers: a server that buffered the whole body first would
  // never answer.
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const answer = await new Promise<{ status: number; sentBytes: number }>((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const req = http.request(
      new URL("/api/intake/pusher/no-such-app", baseURL),
      { method: "POST", headers: { "content-type": "application/json" } },
      (res) => {
        answered = true;
        resolve({ status: res.statusCode ?? 0, sentBytes });
        req.destroy(); // stop sending
      },
    );
    req.on("error", (error) => (answered ? undefined : reject(error)));
    const send = () => {
      while (!answered && sentBytes < 256 * 1024 * 1024) {
        sentBytes += chunk.length;
        if (!req.write(chunk)) return req.once("drain", send);
      }
      if (!answered) req.end();
    };
    send();
  });
  expect(answer.status).toBe(413);
  expect(answer.sentBytes).toBeLessThan(64 * 1024 * 1024);
});

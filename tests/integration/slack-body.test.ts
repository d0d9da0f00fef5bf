import Pusher from "pusher";
import { describe, expect, it } from "vitest";
import * as endpointsRoute from "@/app/api/v1/apps/[appId]/endpoints/route";
import * as endpointRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/route";
import * as testRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/test/route";
import { updateEndpoint } from "@/lib/services/endpoints";
import { makeApp, systemPrincipal, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { call } from "../helpers/api";
import { engineUnderTest, ingest } from "../helpers/engine";
import { eventually } from "../helpers/receiver";

const DASHBOARD = "https://herald.example.com";
const engine = engineUnderTest("slack", { NEXTAUTH_URL: DASHBOARD });

const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };

describe('bodyFormat "slack"', () => {
  it("is validated, stored and returned by the endpoints API", async () => {
    const app = await makeApp();
    const params = { appId: app.id };
    const url = engine.receiver.url("/unused");
    const bad = await call(endpointsRoute.POST, "POST", `/api/v1/apps/${app.id}/endpoints`, {
      params,
      body: { url, eventTypes: ["channel_occupied"], bodyFormat: "xml" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: "bodyFormat" })]);
    const plain = await call(endpointsRoute.POST, "POST", `/api/v1/apps/${app.id}/endpoints`, {
      params,
      body: { url, eventTypes: ["channel_occupied"] },
    });
    expect(plain.body.bodyFormat).toBe("pusher");
    const changed = await call(
      endpointRoute.PATCH,
      "PATCH",
      `/api/v1/apps/${app.id}/endpoints/${plain.body.id}`,
      { params: { ...params, endpointId: plain.body.id }, body: { bodyFormat: "slack" } },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.bodyFormat).toBe("slack");
  });

  it("posts {text} with a line per event and a link to the delivery, still signed", async () => {
    const app = await makeApp({ secret: "slack-app-secret" });
    const path = `/${uniqueId("slack")}`;
    await makeEndpoint(app.id, {
      url: engine.receiver.url(path),
      eventTypes: ["client_event", "channel_occupied", "herald.endpoint.disabled"],
      batching: { enabled: true, durationMs: 200, maxBatchSize: 100 },
      bodyFormat: "slack",
    });
    const other = await makeEndpoint(app.id, {
      url: engine.receiver.url("/other"),
      batching: unbatched,
    });

    expect(
      (
        await ingest(app.id, [
          { name: "channel_occupied", channel: "room-<1>" },
          {
            name: "client_event",
            channel: "private-chat",
            event: "client-typing",
            user_id: "42",
            data: { typing: true },
          },
        ])
      ).status,
    ).toBe(202);
    const [first] = await eventually(
      () => engine.receiver.at(path).length > 0 && engine.receiver.at(path),
    );
    const body = JSON.parse(first!.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(["text"]);
    const deliveryId = first!.headers["x-herald-delivery-id"];
    expect(body.text).toBe(
      [
        "`channel_occupied` on `room-&lt;1&gt;`",
        "`client_event` on `private-chat` (event `client-typing`, user `42`)",
        `<${DASHBOARD}/apps/${app.id}/deliveries?delivery=${deliveryId}|View this delivery in Herald>`,
      ].join("\n"),
    );
    // The same signature headers as any delivery, over the bytes sent.
    const pusher = new Pusher({
      appId: app.id,
      key: app.key,
      secret: "slack-app-secret",
      cluster: "mt1",
    });
    expect(pusher.webhook({ headers: first!.headers, rawBody: first!.body }).isValid()).toBe(true);

    // Herald's own events read as sentences.
    await updateEndpoint(systemPrincipal, app.id, other.id, { enabled: false });
    const notice = await eventually(() => engine.receiver.at(path)[1]);
    const text = (JSON.parse(notice.body) as { text: string }).text;
    expect(text.split("\n")[0]).toBe(
      `:no_entry: Endpoint \`${other.id}\` was disabled by bootstrap`,
    );
    expect(text.split("\n")[1]).toMatch(
      new RegExp(
        `^<${DASHBOARD}/apps/${app.id}/deliveries\\?delivery=[0-9a-f-]{36}\\|View this delivery in Herald>$`,
      ),
    );
  });

  it("sends the Test button's sample event in the endpoint's format", async () => {
    const app = await makeApp();
    const path = `/${uniqueId("slack-test")}`;
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(path),
      eventTypes: ["member_added"],
      bodyFormat: "slack",
    });
    const result = await call(testRoute.POST, "POST", "/", {
      params: { appId: app.id, endpointId: endpoint.id },
      body: { channel: "presence-room" },
    });
    expect(result.status).toBe(200);
    const [request] = engine.receiver.at(path);
    const deliveryId = request!.headers["x-herald-delivery-id"];
    // Sent from this test process, which links to its own NEXTAUTH_URL rather than the engine's.
    const body = JSON.parse(request!.body) as Record<string, string>;
    expect(Object.keys(body)).toEqual(["text"]);
    const [line, link] = body.text!.split("\n");
    expect(line).toBe("`member_added` on `presence-room` (user `herald-test-user`)");
    expect(link).toMatch(
      new RegExp(
        `/apps/${app.id}/deliveries\\?delivery=${deliveryId}\\|View this delivery in Herald>$`,
      ),
    );
  });
});

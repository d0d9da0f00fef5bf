import { describe, expect, it } from "vitest";
import * as openapiRoute from "@/app/api/v1/openapi.json/route";
import { call } from "../helpers/api";
import { createEndpoint, patchEndpoint } from "../helpers/endpoints-api";
import { makeApp } from "../factories";

// The endpoint's ordering field through the API: default, update, bad values, OpenAPI.

const valid = { url: "https://example.com/hook", eventTypes: ["member_added"] };

describe("endpoint ordering", () => {
  it('defaults to "none" and switches to "channel" and back', async () => {
    const app = await makeApp();
    const created = await createEndpoint(app.id, valid);
    expect(created.status).toBe(201);
    expect(created.body.ordering).toBe("none");
    const ordered = await patchEndpoint(app.id, created.body.id, { ordering: "channel" });
    expect(ordered.status).toBe(200);
    expect(ordered.body.ordering).toBe("channel");
    // A patch that does not name it keeps it.
    expect((await patchEndpoint(app.id, created.body.id, { description: "x" })).body.ordering).toBe(
      "channel",
    );
    expect((await patchEndpoint(app.id, created.body.id, { ordering: "none" })).body.ordering).toBe(
      "none",
    );
  });

  it.each([["event"], [true], [null]])(
    "refuses ordering %j with 422 naming the field",
    async (value) => {
      const app = await makeApp();
      const created = await createEndpoint(app.id, { ...valid, ordering: value });
      expect(created.status).toBe(422);
      expect(created.body.error.code).toBe("validation_failed");
      const detail = created.body.error.details.find(
        (entry: { field: string }) => entry.field === "ordering",
      );
      expect(detail.issue).toMatch(/none|channel/);
    },
  );

  it("is in the OpenAPI document with its two values", async () => {
    const doc = (await call(openapiRoute.GET, "GET", "/api/v1/openapi.json")).body;
    for (const schema of ["Endpoint", "CreateEndpoint", "UpdateEndpoint"]) {
      const property = doc.components.schemas[schema].properties.ordering;
      expect(property.enum, schema).toEqual(["none", "channel"]);
      expect(property.description, schema).toContain("Manual redeliver and Recover");
    }
  });
});

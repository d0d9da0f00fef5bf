import { readBody, route, parseJson } from "@/lib/api/handler";
import { sendTestEvent } from "@/lib/services/endpoint-test";
import { testEventSchema } from "@/lib/validation/delivery-actions";

// The body is optional here ({} or none), so it is parsed by hand rather than by the wrapper.
export const POST = route<{ appId: string; endpointId: string }>(
  { scope: "write", app: true },
  async ({ req, principal, params }) => {
    const raw = await readBody(req, 16 * 1024);
    const input = testEventSchema.parse(raw.trim() === "" ? {} : parseJson(raw));
    return sendTestEvent(principal, params.appId, params.endpointId, input);
  },
);

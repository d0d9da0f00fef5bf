import { readBody, route, parseJson } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { sendTestEvent } from "@/lib/services/endpoint-test";
import { testEventSchema } from "@/lib/validation/delivery-actions";

// The body is optional here ({} or none), so it is parsed by hand rather than by the wrapper.
export const POST = route<{ appId: string; endpointId: string }>(
  { scope: "write" },
  async ({ req, principal, params }) => {
    requireAppAccess(principal, params.appId);
    const raw = await readBody(req, 16 * 1024);
    const input = testEventSchema.parse(raw.trim() === "" ? {} : parseJson(raw));
    return sendTestEvent(principal, params.appId, params.endpointId, input);
  },
);

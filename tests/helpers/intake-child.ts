import * as intakeRoute from "@/app/api/intake/pusher/[appId]/route";
import * as eventsRoute from "@/app/api/v1/apps/[appId]/events/route";
import { call } from "./api";

// Run by tests/helpers/unavailable-services.ts in a child process whose REDIS_URL or DATABASE_URL
// points at a closed port: calls one intake route handler exactly as Next.js would and prints the
// answer. argv[2] = JSON {route: "native" | "pusher", appId, rawBody, headers}.

type Request = {
  route: "native" | "pusher";
  appId: string;
  rawBody: string;
  headers: Record<string, string>;
};

const request = JSON.parse(process.argv[2] ?? "{}") as Request;
const handler = request.route === "native" ? eventsRoute.POST : intakeRoute.POST;
const path =
  request.route === "native"
    ? `/api/v1/apps/${request.appId}/events`
    : `/api/intake/pusher/${request.appId}`;
const started = Date.now();
const result = await call(handler, "POST", path, {
  params: { appId: request.appId },
  rawBody: request.rawBody,
  headers: request.headers,
  token: request.route === "native" ? undefined : null,
});
process.stdout.write(
  `\nRESULT ${JSON.stringify({ status: result.status, body: result.body, elapsedMs: Date.now() - started })}\n`,
);
// Connections to the dead service keep retrying in the background; the answer is all we need.
process.exit(0);

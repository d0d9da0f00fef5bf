import type { z } from "zod";
import type { apiTokenSchema } from "../validation/api-tokens";
import type { appSchema } from "../validation/apps";
import type { auditLogEntrySchema } from "../validation/audit-log";
import type { Batching } from "../validation/common";
import type {
  backgroundJobSchema,
  deliverySchema,
  endpointStatsSchema,
} from "../validation/deliveries";
import type { jobStartedSchema, testEventResultSchema } from "../validation/delivery-actions";
import type {
  createEndpointSchema,
  endpointSchema,
  updateEndpointSchema,
} from "../validation/endpoints";
import type { eventTypeSchema } from "../validation/event-types";
import type { eventSchema } from "../validation/events";
import type { overviewSchema } from "../validation/overview";

// The JSON the REST API returns, as the dashboard reads it: derived from the server's own zod
// response schemas. Type-only imports, so none of the server's code reaches the browser bundle.

export type { AppOverview } from "../validation/overview";
export type { ChannelType } from "../channels";
export type { Batching };

export type App = z.output<typeof appSchema>;
export type Overview = z.output<typeof overviewSchema>;

export type Endpoint = z.output<typeof endpointSchema>;
export type ChannelFilter = Endpoint["filter"];
/** The body of a create; the form always sends what an edit needs too. */
export type EndpointInput = z.input<typeof createEndpointSchema>;
export type EndpointUpdate = z.input<typeof updateEndpointSchema>;

export type Delivery = z.output<typeof deliverySchema>;
export type Attempt = NonNullable<Delivery["attempts"]>[number];

export type EventType = z.output<typeof eventTypeSchema>;
export type StoredEvent = z.output<typeof eventSchema>;
export type RoutingEntry = NonNullable<StoredEvent["routing"]>[number];
export type ApiToken = z.output<typeof apiTokenSchema>;
export type AuditEntry = z.output<typeof auditLogEntrySchema>;

export type BackgroundJob = z.output<typeof backgroundJobSchema>;
export type JobStarted = z.output<typeof jobStartedSchema>;

export type EndpointStats = z.output<typeof endpointStatsSchema>;
export type StatsBucket = EndpointStats["buckets"][number];
export type TestResult = z.output<typeof testEventResultSchema>;

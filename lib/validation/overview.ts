import { z } from "zod";

// The dashboard's per-app counts (GET /api/v1/overview).

const appOverviewSchema = z
  .object({
    appId: z.string(),
    endpoints: z.number().int(),
    enabledEndpoints: z.number().int(),
    deliveriesToday: z.number().int().describe("Deliveries created since midnight UTC"),
    failedToday: z.number().int(),
    failureRate: z
      .number()
      .nullable()
      .describe("failed / (succeeded + failed) today; null when nothing finished yet"),
  })
  .meta({ id: "AppOverview" });

export const overviewSchema = z
  .object({ data: z.array(appOverviewSchema) })
  .meta({ id: "Overview" });

export type AppOverview = z.infer<typeof appOverviewSchema>;

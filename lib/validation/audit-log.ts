import { z } from "zod";

// The audit trail as the API lists it (GET /api/v1/audit-log).

export const auditLogQuery = z
  .object({
    appId: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(250).default(50),
    cursor: z.string().min(1).max(200).optional(),
  })
  .meta({ id: "AuditLogQuery" });
export type AuditLogQuery = z.infer<typeof auditLogQuery>;

export const auditLogEntrySchema = z
  .object({
    id: z.string(),
    actor: z.string(),
    action: z.string(),
    resourceType: z.string(),
    resourceId: z.string(),
    appId: z.string().nullable(),
    changes: z.record(z.string(), z.unknown()).nullable().describe("What changed, secrets masked"),
    createdAt: z.string(),
  })
  .meta({ id: "AuditLogEntry" });

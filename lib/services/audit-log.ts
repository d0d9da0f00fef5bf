import { z } from "zod";
import { db } from "../db";
import { requireAppAccess, type Principal } from "../auth/principal";
import type { AuditLog } from "../generated/prisma/client";
import { pageArgs, toPage } from "./pagination";

// Reading the audit trail that recordAudit (lib/services/audit.ts) writes with every change.

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

function presentAuditLog(entry: AuditLog) {
  return {
    id: entry.id,
    actor: entry.actor,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId,
    appId: entry.appId,
    changes: (entry.changes as Record<string, unknown> | null) ?? null,
    createdAt: entry.createdAt.toISOString(),
  };
}

/** Newest first. A token limited to one app sees only that app's entries. */
export async function listAuditLog(principal: Principal, query: AuditLogQuery) {
  if (query.appId) requireAppAccess(principal, query.appId);
  const appId = query.appId ?? principal.appId ?? undefined;
  const rows = await db.auditLog.findMany({
    where: appId ? { appId } : {},
    orderBy: { id: "desc" },
    ...pageArgs(query),
  });
  return toPage(rows, query, presentAuditLog);
}

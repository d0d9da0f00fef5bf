import { db } from "../db";
import { requireAppAccess, type Principal } from "../auth/principal";
import type { AuditLog } from "../generated/prisma/client";
import type { AuditLogQuery } from "../validation/audit-log";
import { pageArgs, toPage } from "./pagination";

// Reading the audit trail that recordAudit (lib/services/audit.ts) writes with every change.

// The route takes its query schema from here, beside the service it feeds.
export { auditLogQuery } from "../validation/audit-log";

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

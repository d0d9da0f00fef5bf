import { route } from "@/lib/api/handler";
import { auditLogQuery, listAuditLog } from "@/lib/services/audit-log";

export const GET = route({ scope: "read", query: auditLogQuery }, ({ principal, query }) =>
  listAuditLog(principal, query),
);

import type { Tx } from "../db";
import type { Principal } from "../auth/principal";

export type AuditEntry = {
  action: string;
  resourceType: string;
  resourceId: string;
  appId?: string | null;
  /** Already masked: never pass secrets here. */
  changes?: Record<string, unknown>;
};

/** Written in the same transaction as the change it describes. */
export async function recordAudit(tx: Tx, actor: Principal | string, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: {
      actor: typeof actor === "string" ? actor : actor.id,
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      appId: entry.appId ?? null,
      changes: (entry.changes ?? undefined) as object | undefined,
    },
  });
}

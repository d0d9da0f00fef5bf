import type { Tx } from "../db";
import type { Principal } from "../auth/types";

export type AuditEntry = {
  action: string;
  resourceType: string;
  resourceId: string;
  appId?: string | null;
  /** Already masked: never pass secrets here. */
  changes?: Record<string, unknown>;
};

/** Written in the same transaction as the change it describes. */
export async function recordAudit(
  tx: Tx,
  actor: Principal | string,
  entry: AuditEntry,
): Promise<void> {
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

/**
 * What an update changed: each top-level field whose value differs, as {from, to}. Both sides must
 * already be presented (secrets masked). `updatedAt` is left out: it always changes.
 */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, { from: unknown; to: unknown }> {
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (field === "updatedAt") continue;
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field]))
      changed[field] = { from: before[field] ?? null, to: after[field] ?? null };
  }
  return changed;
}

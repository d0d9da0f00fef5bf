import type { JobPayload, QUEUES } from "../../lib/jobs/definitions";
import { runRecovery } from "../../lib/services/recovery";

export async function processRecover({
  backgroundJobId,
}: JobPayload<typeof QUEUES.recover>): Promise<void> {
  await runRecovery(backgroundJobId);
}

import type { Job } from "bullmq";
import { jobSchemas, QUEUES } from "../../lib/jobs/queues";
import { runRecovery } from "../../lib/services/recovery";

export async function processRecover(job: Job): Promise<void> {
  const { backgroundJobId } = jobSchemas[QUEUES.recover].parse(job.data);
  await runRecovery(backgroundJobId);
}

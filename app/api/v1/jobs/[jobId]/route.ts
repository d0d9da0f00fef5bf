import { route } from "@/lib/api/handler";
import { getBackgroundJob } from "@/lib/services/background-jobs";

// App-scoped tokens see only their app's jobs (enforced in the service: the URL names no app).
export const GET = route({ scope: "read" }, ({ principal, params }) =>
  getBackgroundJob(principal, params.jobId),
);

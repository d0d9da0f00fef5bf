import type { Delivery } from "./types";

export type StopReasonView = { title: string; tone: "amber" | "red" | "indigo"; text: string };

/**
 * The drawer's one line on why a delivery is where it is. While it is being sent again (pending,
 * delivering), its last error belongs to the previous attempt, so it is labelled as such rather
 * than beside a heading that says "retrying" or "failed".
 */
export function stopReason(
  delivery: Pick<Delivery, "status" | "lastError">,
): StopReasonView | null {
  const { status, lastError } = delivery;
  if (!lastError || status === "succeeded") return null;
  if (status === "cancelled")
    return { title: "Why it was cancelled", tone: "amber", text: lastError };
  if (status === "failed") return { title: "Why it failed", tone: "red", text: lastError };
  // Held back without an attempt, e.g. by the endpoint's rate limit.
  if (lastError.startsWith("waiting for"))
    return { title: "Why it is waiting", tone: "amber", text: lastError };
  if (status === "retrying")
    return { title: "Last error: retrying", tone: "amber", text: lastError };
  return { title: "Sending again", tone: "indigo", text: `Previous attempt: ${lastError}` };
}

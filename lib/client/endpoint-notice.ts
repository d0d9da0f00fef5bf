// The auto-disabled banner: the stored reason says what happened and, for API and Slack readers,
// what to do; the banner gives that advice once, in its own words, so it is cut from the reason.
const ADVICE = [
  /\s*Failed deliveries are kept: re-enable the endpoint and use Recover\.?/i,
  /\s*Re-enable it once it accepts webhooks again\.?/i,
];

export const AUTO_DISABLED_ADVICE =
  "Failed deliveries and events that arrive meanwhile are kept: once the receiver works again, enable the endpoint and use Recover failed deliveries on the Deliveries tab.";

/** What happened, without the advice the banner already gives. */
export function autoDisabledReason(reason: string | null): string {
  return ADVICE.reduce((text, advice) => text.replace(advice, ""), reason ?? "").trim();
}

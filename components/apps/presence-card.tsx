"use client";

import { numberOrText } from "@/lib/client/field-messages";
import type { App } from "@/lib/client/types";
import { TextField } from "@/components/ui/field";
import { SwitchRow } from "@/components/ui/switch-row";
import { SettingsCard, useAppSettingsForm } from "./app-settings-form";

// The app's presence settings (docs/presence.md): presence grace and subscription_count
// coalescing.

const PRESENCE_LABELS = {
  "presenceGrace.durationMs": "Grace (ms)",
  "subscriptionCountThrottle.windowMs": "Count window (ms)",
} as const;

type PresenceValues = {
  presenceGrace: { enabled: boolean; durationMs: string };
  subscriptionCountThrottle: { enabled: boolean; windowMs: string };
};

const presenceValues = (app: App): PresenceValues => ({
  presenceGrace: {
    enabled: app.presenceGrace.enabled,
    durationMs: String(app.presenceGrace.durationMs),
  },
  subscriptionCountThrottle: {
    enabled: app.subscriptionCountThrottle.enabled,
    windowMs: String(app.subscriptionCountThrottle.windowMs),
  },
});

/** The PATCH body; numbers that are not numbers go as text for the schema to name. */
const presenceUpdate = ({ presenceGrace, subscriptionCountThrottle }: PresenceValues) => ({
  presenceGrace: {
    enabled: presenceGrace.enabled,
    durationMs: numberOrText(presenceGrace.durationMs),
  },
  subscriptionCountThrottle: {
    enabled: subscriptionCountThrottle.enabled,
    windowMs: numberOrText(subscriptionCountThrottle.windowMs),
  },
});

export function PresenceCard({ app }: { app: App }) {
  const { form, onSubmit, saving } = useAppSettingsForm(app, {
    values: presenceValues,
    update: presenceUpdate,
    labels: PRESENCE_LABELS,
    saved: "Presence settings saved",
  });
  const graceOn = form.watch("presenceGrace.enabled");
  const throttleOn = form.watch("subscriptionCountThrottle.enabled");
  const errors = form.formState.errors;

  return (
    <SettingsCard
      title="Presence"
      description="Hold back presence noise so receivers see what users really did."
      onSubmit={onSubmit}
      saving={saving}
      dirty={form.formState.isDirty}
      saveLabel="Save presence settings"
    >
      <SwitchRow
        control={form.control}
        name="presenceGrace.enabled"
        label="Presence grace"
        description={
          graceOn
            ? "On: member_removed and channel_vacated wait; a reconnect within the grace cancels both events."
            : "Off: member_removed and channel_vacated are sent at once."
        }
      />
      <TextField
        label={PRESENCE_LABELS["presenceGrace.durationMs"]}
        id="presence-grace-duration"
        hint="0 to 60000"
        error={errors.presenceGrace?.durationMs}
        inputMode="numeric"
        {...form.register("presenceGrace.durationMs")}
      />
      <SwitchRow
        control={form.control}
        name="subscriptionCountThrottle.enabled"
        label="Coalesce subscription_count"
        description={
          throttleOn
            ? "On: per channel, the first goes at once; later ones in the window become one with the latest count, sent when it ends."
            : "Off: every subscription_count is sent."
        }
      />
      <TextField
        label={PRESENCE_LABELS["subscriptionCountThrottle.windowMs"]}
        id="subscription-count-window"
        hint="1000 to 60000"
        error={errors.subscriptionCountThrottle?.windowMs}
        inputMode="numeric"
        {...form.register("subscriptionCountThrottle.windowMs")}
      />
    </SettingsCard>
  );
}

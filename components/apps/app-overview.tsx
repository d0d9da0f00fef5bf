"use client";

import { Activity, AlertTriangle, Send, Webhook } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import {
  revealAppSecret,
  useApp,
  useDeleteApp,
  useOverview,
  useRotateAppSecret,
  useUpdateApp,
} from "@/lib/client/apps";
import { numberOrText } from "@/lib/client/field-messages";
import { intakeUrl } from "@/lib/client/forms";
import type { App } from "@/lib/client/types";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyField } from "@/components/ui/copy-button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { RelativeTime } from "@/components/ui/relative-time";
import { SecretField } from "@/components/ui/secret-field";
import { Skeleton } from "@/components/ui/skeleton";
import { Banner } from "@/components/ui/states";
import { BATCHING_LABELS, BatchingNumbers } from "./batching-fields";
import { APP_SECRET_ROTATION_EFFECTS, RotateSecretDialog } from "./rotate-secret-dialog";
import { BacklogCards } from "./backlog-card";
import { PresenceCard } from "./presence-card";
import { SwitchRow } from "@/components/ui/switch-row";
import { SettingsCard, useAppSettingsForm } from "./app-settings-form";

export function AppOverviewPanel({ appId }: { appId: string }) {
  const app = useApp(appId);
  if (app.isPending) {
    return (
      <div className="grid gap-6 lg:grid-cols-2">
        <Skeleton className="h-56" />
        <Skeleton className="h-56" />
      </div>
    );
  }
  if (app.isError) return null; // the header shows the error
  return (
    <div className="space-y-6">
      <Stats appId={appId} />
      <BacklogCards appId={appId} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Credentials app={app.data} />
        <BatchingCard app={app.data} />
        <PresenceCard app={app.data} />
      </div>
      <DangerZone app={app.data} />
    </div>
  );
}

function Stats({ appId }: { appId: string }) {
  const overview = useOverview();
  const counts = overview.data?.data.find((row) => row.appId === appId);
  const items = [
    {
      label: "Endpoints",
      value: counts ? `${counts.enabledEndpoints} / ${counts.endpoints} enabled` : "—",
      icon: Webhook,
    },
    {
      label: "Deliveries today",
      value: counts ? counts.deliveriesToday.toLocaleString() : "—",
      icon: Send,
    },
    {
      label: "Failed today",
      value: counts ? counts.failedToday.toLocaleString() : "—",
      icon: AlertTriangle,
    },
    {
      label: "Failure rate today",
      value: counts?.failureRate == null ? "—" : `${(counts.failureRate * 100).toFixed(1)}%`,
      icon: Activity,
    },
  ];
  return (
    <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
      {items.map((item) => (
        <Card key={item.label} className="px-4 py-3.5">
          <div className="flex items-center gap-2 text-xs font-medium text-slate-500">
            <item.icon className="h-3.5 w-3.5" aria-hidden /> {item.label}
          </div>
          <div className="mt-1 text-xl font-semibold tabular-nums text-slate-900">
            {overview.isPending ? <Skeleton className="mt-1 h-6 w-16" /> : item.value}
          </div>
        </Card>
      ))}
    </div>
  );
}

function Credentials({ app }: { app: App }) {
  const rotate = useRotateAppSecret(app.id);
  const graceActive =
    app.previousSecretExpiresAt && new Date(app.previousSecretExpiresAt) > new Date();
  return (
    <Card>
      <CardHeader
        title="Credentials"
        description="The Pusher key and secret sign intake requests and outgoing webhooks."
        actions={
          <RotateSecretDialog
            what="app secret"
            effects={APP_SECRET_ROTATION_EFFECTS}
            rotate={async (grace) => (await rotate.mutateAsync(grace)).secret}
          />
        }
      />
      <CardBody className="space-y-4">
        {app.secretTooShort ? (
          <Banner title="Short secret">
            This secret was imported shorter than the 16 characters Herald requires of new ones. A
            receiver of signed webhooks could guess it offline: rotate it, here and in the realtime
            server.
          </Banner>
        ) : null}
        <Field label="App id">
          <CopyField value={app.id} label="app id" />
        </Field>
        <Field label="Key">
          <CopyField value={app.key} label="key" testId="app-key" />
        </Field>
        <Field
          label="Secret"
          hint={
            graceActive ? (
              <>
                The previous secret still verifies intake; it expires{" "}
                <RelativeTime value={app.previousSecretExpiresAt} future />.
              </>
            ) : (
              "Reveal shows it in full; every reveal is in the audit log."
            )
          }
        >
          <SecretField
            value={app.secret}
            label="secret"
            testId="app-secret"
            reveal={() => revealAppSecret(app.id)}
          />
        </Field>
        <Field
          label="Intake URL"
          hint="Set this as the webhook URL of your realtime server (Sockudo, Soketi, Pusher)."
        >
          <CopyField value={intakeUrl(app.id)} label="intake URL" testId="intake-url" />
        </Field>
      </CardBody>
    </Card>
  );
}

type BatchingValues = { batching: { enabled: boolean; durationMs: string; maxBatchSize: string } };

const batchingValues = ({ batching }: App): BatchingValues => ({
  batching: {
    enabled: batching.enabled,
    durationMs: String(batching.durationMs),
    maxBatchSize: String(batching.maxBatchSize),
  },
});

/** The PATCH body for the form's batching; numbers that are not numbers go as text to be named. */
const batchingUpdate = ({ batching }: BatchingValues) => ({
  batching: {
    enabled: batching.enabled,
    durationMs: numberOrText(batching.durationMs),
    maxBatchSize: numberOrText(batching.maxBatchSize),
  },
});

function BatchingCard({ app }: { app: App }) {
  const { form, onSubmit, saving } = useAppSettingsForm(app, {
    values: batchingValues,
    update: batchingUpdate,
    labels: BATCHING_LABELS,
    saved: "Batching saved",
  });
  const enabled = form.watch("batching.enabled");
  const errors = form.formState.errors.batching;

  return (
    <SettingsCard
      title="Batching"
      description="Events for one endpoint are collected into one request until the window closes or the batch is full."
      onSubmit={onSubmit}
      saving={saving}
      dirty={form.formState.isDirty}
      saveLabel="Save batching"
    >
      <SwitchRow
        control={form.control}
        name="batching.enabled"
        label="Batch events"
        description={
          enabled
            ? "On: events for one endpoint are collected into one request per window."
            : "Off: every event is its own delivery (Pusher's default)."
        }
      />
      <div className="grid grid-cols-2 gap-4">
        <BatchingNumbers
          idPrefix="app"
          durationMs={form.register("batching.durationMs")}
          maxBatchSize={form.register("batching.maxBatchSize")}
          errors={{
            durationMs: errors?.durationMs?.message,
            maxBatchSize: errors?.maxBatchSize?.message,
          }}
        />
      </div>
    </SettingsCard>
  );
}

function DangerZone({ app }: { app: App }) {
  const update = useUpdateApp(app.id);
  const remove = useDeleteApp(app.id);
  const router = useRouter();
  const [confirmName, setConfirmName] = useState("");
  return (
    <Card className="border-red-200">
      <CardHeader
        title="Danger zone"
        description="Disabling stops intake and delivery for this app; deleting removes its endpoints, events and delivery log."
      />
      <CardBody className="flex flex-wrap items-center justify-between gap-4">
        <ConfirmDialog
          tone={app.enabled ? "danger" : "primary"}
          trigger={
            <Button variant="danger-outline">{app.enabled ? "Disable app" : "Enable app"}</Button>
          }
          title={app.enabled ? `Disable ${app.name}?` : `Enable ${app.name}?`}
          description={
            app.enabled
              ? "Intake answers 409 and no webhooks are sent until you enable it again."
              : "Intake and delivery resume."
          }
          confirmLabel={app.enabled ? "Disable" : "Enable"}
          onConfirm={async () => {
            await update.mutateAsync({ enabled: !app.enabled });
            toast.success(app.enabled ? "App disabled" : "App enabled");
          }}
        />
        <ConfirmDialog
          trigger={<Button variant="danger">Delete app</Button>}
          title={`Delete ${app.name}?`}
          description={
            <span className="block space-y-3">
              <span className="block">
                This deletes the app, its endpoints, events and delivery log. It cannot be undone.
              </span>
              <Input
                aria-label="Type the app id to confirm"
                placeholder={`Type ${app.id} to confirm`}
                value={confirmName}
                onChange={(event) => setConfirmName(event.target.value)}
              />
            </span>
          }
          confirmLabel="Delete app"
          onConfirm={async () => {
            if (confirmName !== app.id) throw new Error(`Type ${app.id} to confirm`);
            await remove.mutateAsync();
            toast.success("App deleted");
            router.push("/");
          }}
        />
      </CardBody>
    </Card>
  );
}

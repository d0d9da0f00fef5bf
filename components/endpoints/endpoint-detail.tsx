"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { toast } from "sonner";
import {
  revealEndpointSecret,
  useDeleteEndpoint,
  useEndpoint,
  useRotateEndpointSecret,
  useUpdateEndpoint,
} from "@/lib/client/endpoints";
import { AUTO_DISABLED_ADVICE, autoDisabledReason } from "@/lib/client/endpoint-notice";
import { takeOver } from "@/lib/client/reveal-once";
import type { Endpoint } from "@/lib/client/types";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Switch } from "@/components/ui/checkbox";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { SecretField } from "@/components/ui/secret-field";
import { Skeleton } from "@/components/ui/skeleton";
import { Banner, ErrorState } from "@/components/ui/states";
import { RotateSecretDialog } from "@/components/apps/rotate-secret-dialog";
import { EndpointForm } from "./endpoint-form";
import { EndpointStatus, isAutoDisabled } from "./endpoint-status";
import { endpointTarget } from "@/lib/endpoint-target";
import { formFromEndpoint } from "./form-model";
import { TestEventCard } from "./test-event-card";

export function EndpointDetail({ appId, endpointId }: { appId: string; endpointId: string }) {
  const endpoint = useEndpoint(appId, endpointId);
  if (endpoint.isPending) {
    return (
      <div className="space-y-4">
        <Skeleton className="h-16" />
        <Skeleton className="h-64" />
      </div>
    );
  }
  if (endpoint.isError)
    return (
      <ErrorState
        error={endpoint.error}
        retry={() => void endpoint.refetch()}
        notFound={{
          title: "Endpoint not found",
          href: `/apps/${encodeURIComponent(appId)}/endpoints`,
          linkLabel: "Back to endpoints",
        }}
      />
    );
  return <Loaded endpoint={endpoint.data} />;
}

function Loaded({ endpoint }: { endpoint: Endpoint }) {
  const update = useUpdateEndpoint(endpoint.appId, endpoint.id);
  const [saves, setSaves] = useState(0);
  const remove = useDeleteEndpoint(endpoint.appId);
  const router = useRouter();
  const listPath = `/apps/${encodeURIComponent(endpoint.appId)}/endpoints`;

  async function setEnabled(enabled: boolean) {
    await update.mutateAsync({ enabled });
    toast.success(enabled ? "Endpoint enabled" : "Endpoint disabled");
  }

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex items-center gap-2">
            <h2 className="truncate font-mono text-lg font-semibold text-slate-900">
              {endpointTarget(endpoint)}
            </h2>
            <EndpointStatus endpoint={endpoint} />
          </div>
          <p className="mt-1 text-xs text-slate-500">
            <span className="font-mono">{endpoint.id}</span> · updated{" "}
            <RelativeTime value={endpoint.updatedAt} />
          </p>
        </div>
        <div className="flex items-center gap-3">
          {endpoint.enabled ? (
            <ConfirmDialog
              trigger={
                <label className="flex cursor-pointer items-center gap-2 text-sm font-medium text-slate-700">
                  <Switch checked aria-label="Endpoint enabled" /> Enabled
                </label>
              }
              title="Disable this endpoint?"
              description="Herald stops sending to it. Events that arrive meanwhile are kept and can be recovered later."
              confirmLabel="Disable endpoint"
              onConfirm={() => setEnabled(false)}
            />
          ) : (
            <label className="flex cursor-pointer items-center gap-2 text-sm font-medium text-slate-700">
              <Switch
                checked={false}
                onCheckedChange={() => void setEnabled(true)}
                aria-label="Endpoint enabled"
              />{" "}
              Disabled
            </label>
          )}
        </div>
      </div>

      {isAutoDisabled(endpoint) ? (
        <Banner
          tone="red"
          title="Herald disabled this endpoint automatically"
          action={
            <Button size="sm" variant="primary" onClick={() => void setEnabled(true)}>
              Enable again
            </Button>
          }
        >
          <span data-testid="auto-disabled-notice">
            <span className="block">{autoDisabledReason(endpoint.disabledReason)}</span>
            <span className="mt-1 block">{AUTO_DISABLED_ADVICE}</span>
          </span>
        </Banner>
      ) : !endpoint.enabled ? (
        <Banner
          tone="amber"
          title="This endpoint is disabled"
          action={
            <Button size="sm" variant="primary" onClick={() => void setEnabled(true)}>
              Enable again
            </Button>
          }
        >
          <span className="block" data-testid="endpoint-disabled-by">
            {endpoint.disabledReason ?? "Disabled"}
            {endpoint.disabledAt ? (
              <>
                {" "}
                · <RelativeTime value={endpoint.disabledAt} />
              </>
            ) : null}
          </span>
          <span className="mt-1 block">
            Herald sends nothing to it meanwhile. Events that arrive are kept: enable it and use
            Recover failed deliveries to send them.
          </span>
        </Banner>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <TestEventCard endpoint={endpoint} />
        <SigningSecretCard endpoint={endpoint} />
      </div>

      <EndpointForm
        // Rebuilt from the saved endpoint after its own save only: a status change (the switch, an
        // auto-disable seen by the refresh) must not throw away edits in progress.
        key={`${endpoint.id}-${saves}`}
        mode="edit"
        defaultValues={formFromEndpoint(endpoint)}
        submitLabel="Save changes"
        onSubmit={async (input) => {
          await update.mutateAsync(input);
          setSaves((count) => count + 1);
          toast.success("Endpoint saved");
        }}
      />

      <Card className="border-red-200">
        <CardHeader
          title="Delete endpoint"
          description="Removes the endpoint. Its deliveries stay in the delivery log (those not yet sent are cancelled), and events already received stay in the app."
        />
        <CardBody>
          <ConfirmDialog
            trigger={<Button variant="danger">Delete endpoint</Button>}
            title="Delete this endpoint?"
            description={
              <>
                Herald stops sending to{" "}
                <span className="font-mono">{endpointTarget(endpoint)}</span> and cancels its
                deliveries not yet sent; the delivery log keeps its history. This cannot be undone.
              </>
            }
            confirmLabel="Delete endpoint"
            onConfirm={async () => {
              await remove.mutateAsync(endpoint.id);
              toast.success("Endpoint deleted");
              router.push(listPath);
            }}
          />
        </CardBody>
      </Card>
    </div>
  );
}

function SigningSecretCard({ endpoint }: { endpoint: Endpoint }) {
  const rotate = useRotateEndpointSecret(endpoint.appId, endpoint.id);
  const [fresh, setFresh] = useState<string | null>(null);
  useEffect(() => setFresh(takeOver(`whsec:${endpoint.id}`)), [endpoint.id]);
  return (
    <Card>
      <CardHeader
        title="Signing secret"
        description="Standard Webhooks whsec_ secret for webhook-signature."
        actions={
          <RotateSecretDialog
            what="signing secret"
            rotate={async (grace) => {
              const rotated = await rotate.mutateAsync(grace);
              setFresh(null); // the creation-time secret is void now
              return rotated.standardWebhooks.secret;
            }}
          />
        }
      />
      <CardBody className="space-y-3">
        <Field
          label="Secret"
          hint={
            fresh
              ? "The new endpoint's secret: copy it now, or later with Reveal (audited)."
              : "Reveal shows it in full; every reveal is in the audit log."
          }
        >
          <SecretField
            value={fresh ?? endpoint.standardWebhooks.secret}
            label="signing secret"
            testId="endpoint-signing-secret"
            reveal={() => revealEndpointSecret(endpoint.appId, endpoint.id)}
          />
        </Field>
        {endpoint.lambda ? (
          <p className="text-xs text-slate-500" data-testid="lambda-signatures-note">
            A Lambda function receives the payload alone: no signature headers are sent (IAM
            authenticates the invocation). The secret applies if this endpoint is switched to a URL.
          </p>
        ) : (
          <p className="text-xs text-slate-500">
            Standard Webhooks signatures are{" "}
            {endpoint.standardWebhooks.enabled ? (
              <strong className="text-emerald-700">on</strong>
            ) : (
              <strong>off</strong>
            )}
            . Pusher signatures (X-Pusher-Signature with the app secret) are always sent.
          </p>
        )}
      </CardBody>
    </Card>
  );
}

"use client";

import { KeyRound, Plus } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { useApps } from "@/lib/client/apps";
import { useApiTokens, useCreateApiToken, useRevokeApiToken } from "@/lib/client/catalog";
import { schemaMessages } from "@/lib/client/field-messages";
import { applyApiErrors, submitChecked } from "@/lib/client/forms";
import type { ApiToken } from "@/lib/client/types";
import { createApiTokenSchema } from "@/lib/validation/api-tokens";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ScrollTable, TableHeader } from "@/components/ui/table";
import { Card } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyField } from "@/components/ui/copy-button";
import {
  Dialog,
  DialogContent,
  DialogFooter,
  DialogSubmitFooter,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";

type BootstrapToken = { hint: string } | null;

export function ApiTokensPage({ bootstrap }: { bootstrap: BootstrapToken }) {
  const tokens = useApiTokens();
  const revoke = useRevokeApiToken();
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Bearer tokens for the REST API and native ingest. A token is shown once; only its hash is stored."
        actions={<CreateTokenDialog />}
      />
      <Card>
        {tokens.isPending ? (
          <SkeletonRows rows={4} />
        ) : tokens.isError ? (
          <ErrorState error={tokens.error} retry={() => void tokens.refetch()} />
        ) : tokens.data.data.length === 0 && !bootstrap ? (
          <EmptyState
            icon={KeyRound}
            title="No API tokens"
            description="Create a token for automation or for producers that send events to Herald."
            action={<CreateTokenDialog />}
          />
        ) : (
          <ScrollTable>
            <TableHeader>
              <th className="px-5 py-3 font-medium">Name</th>
              <th className="px-5 py-3 font-medium">Scopes</th>
              <th className="px-5 py-3 font-medium">App</th>
              <th className="px-5 py-3 font-medium">Last used</th>
              <th className="px-5 py-3 font-medium">Created</th>
              <th className="px-5 py-3 font-medium">Expires</th>
              <th className="px-5 py-3" />
            </TableHeader>
            <tbody className="divide-y divide-slate-100">
              {bootstrap ? <BootstrapTokenRow hint={bootstrap.hint} /> : null}
              {tokens.data.data.map((token) => (
                <TokenRow
                  key={token.id}
                  token={token}
                  onRevoke={async () => {
                    await revoke.mutateAsync(token.id);
                    toast.success(`Revoked ${token.name}`);
                  }}
                />
              ))}
            </tbody>
          </ScrollTable>
        )}
      </Card>
    </>
  );
}

/** HERALD_API_TOKEN: in use with every scope, but set in the environment, so not revocable here. */
function BootstrapTokenRow({ hint }: { hint: string }) {
  return (
    <tr data-testid="bootstrap-token-row" className="bg-slate-50/60">
      <td className="px-5 py-3">
        <div className="font-medium text-slate-900">HERALD_API_TOKEN</div>
        <div className="font-mono text-xs text-slate-500">{hint}</div>
      </td>
      <td className="px-5 py-3">
        <Badge tone="indigo">all scopes</Badge>
      </td>
      <td className="px-5 py-3 text-xs text-slate-500">All apps</td>
      <td className="px-5 py-3 text-xs text-slate-500" colSpan={3}>
        From the environment: not revocable here. To rotate it, set a new{" "}
        <code className="font-mono">HERALD_API_TOKEN</code> (16+ characters) where Herald runs and
        restart it; the old value stops working then.
      </td>
      <td className="px-5 py-3 text-right">
        <Badge tone="slate">environment</Badge>
      </td>
    </tr>
  );
}

function TokenRow({ token, onRevoke }: { token: ApiToken; onRevoke: () => Promise<void> }) {
  const revoked = Boolean(token.revokedAt);
  const expired = token.expiresAt !== null && new Date(token.expiresAt).getTime() <= Date.now();
  return (
    <tr className={revoked || expired ? "text-slate-400" : undefined} data-testid="api-token-row">
      <td className="px-5 py-3">
        <div className="font-medium text-slate-900">{token.name}</div>
        <div className="font-mono text-xs text-slate-500">{token.prefix}…</div>
      </td>
      <td className="px-5 py-3">
        <div className="flex gap-1">
          {token.scopes.map((scope) => (
            <Badge key={scope} tone="indigo">
              {scope}
            </Badge>
          ))}
        </div>
      </td>
      <td className="px-5 py-3 font-mono text-xs">
        {token.appId ?? <span className="font-sans text-slate-500">All apps</span>}
      </td>
      <td className="px-5 py-3 text-slate-500">
        <RelativeTime value={token.lastUsedAt} />
      </td>
      <td className="px-5 py-3 text-slate-500">
        <RelativeTime value={token.createdAt} />
      </td>
      <td className="px-5 py-3 text-slate-500" data-testid="api-token-expires">
        {token.expiresAt ? <RelativeTime value={token.expiresAt} future /> : "Never"}
      </td>
      <td className="px-5 py-3 text-right">
        {revoked ? (
          <Badge tone="red">revoked</Badge>
        ) : expired ? (
          // Refused like a revoked one already; there is nothing left to revoke.
          <Badge tone="amber">expired</Badge>
        ) : (
          <ConfirmDialog
            trigger={
              <Button size="sm" variant="danger-outline">
                Revoke
              </Button>
            }
            title={`Revoke ${token.name}?`}
            description="Requests with this token are refused from now on. This cannot be undone."
            confirmLabel="Revoke token"
            onConfirm={onRevoke}
          />
        )}
      </td>
    </tr>
  );
}

const SCOPES = [
  { name: "read", text: "Read configuration and the delivery log" },
  { name: "write", text: "Change configuration, redeliver, recover" },
  { name: "ingest", text: "Send events (POST /apps/{id}/events)" },
  { name: "metrics", text: "Scrape Prometheus metrics (GET /api/metrics)" },
] as const;

type Values = { name: string; scopes: string[]; appId: string; expiresAt: string };

const LABELS = { name: "Name", scopes: "Scopes", appId: "Limit to app", expiresAt: "Expires" };

const tokenBody = (values: Values) => ({
  name: values.name.trim(),
  scopes: values.scopes,
  appId: values.appId || null,
  expiresAt: values.expiresAt ? new Date(values.expiresAt).toISOString() : null,
});

function CreateTokenDialog() {
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<ApiToken | null>(null);
  const apps = useApps();
  const create = useCreateApiToken();
  const form = useForm<Values>({
    defaultValues: { name: "", scopes: ["read"], appId: "", expiresAt: "" },
  });
  const errors = form.formState.errors;
  const scopes = form.watch("scopes");

  const submit = submitChecked(
    form,
    (values) => schemaMessages(createApiTokenSchema.safeParse(tokenBody(values)).error, LABELS),
    async (values) => {
      try {
        setCreated(await create.mutateAsync(tokenBody(values)));
      } catch (error) {
        applyApiErrors(error, form, LABELS);
      }
    },
  );

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) {
          setCreated(null);
          form.reset();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button variant="primary">
          <Plus className="h-4 w-4" aria-hidden /> New token
        </Button>
      </DialogTrigger>
      <DialogContent
        title={created ? "Token created" : "New API token"}
        description={
          created ? "Copy it now: Herald shows it only once." : "Give it only the scopes it needs."
        }
      >
        {created?.token ? (
          <div className="space-y-4">
            <Field label={created.name}>
              <CopyField value={created.token} label="token" testId="created-token" />
            </Field>
            <p className="text-xs text-slate-500">
              Send it as <code className="font-mono">Authorization: Bearer …</code>.
            </p>
            <DialogFooter>
              <Button variant="primary" onClick={() => setOpen(false)}>
                Done
              </Button>
            </DialogFooter>
          </div>
        ) : (
          <form onSubmit={submit} noValidate className="space-y-4">
            <Field label={LABELS.name} htmlFor="token-name" error={errors.name?.message}>
              <Input
                id="token-name"
                placeholder="ci-deploy"
                aria-invalid={Boolean(errors.name)}
                {...form.register("name")}
              />
            </Field>
            <fieldset>
              <legend className="mb-1.5 text-sm font-medium text-slate-700">{LABELS.scopes}</legend>
              <div className="space-y-2">
                {SCOPES.map((scope) => (
                  <label key={scope.name} className="flex items-start gap-3 text-sm">
                    <Checkbox
                      className="mt-0.5"
                      aria-label={scope.name}
                      checked={scopes.includes(scope.name)}
                      onCheckedChange={(checked) =>
                        form.setValue(
                          "scopes",
                          checked === true
                            ? [...scopes, scope.name]
                            : scopes.filter((item) => item !== scope.name),
                        )
                      }
                    />
                    <span>
                      <span className="font-mono font-medium text-slate-900">{scope.name}</span>
                      <span className="block text-xs text-slate-500">{scope.text}</span>
                    </span>
                  </label>
                ))}
              </div>
              {errors.scopes ? (
                <p role="alert" className="mt-1 text-xs font-medium text-red-600">
                  {errors.scopes.message}
                </p>
              ) : null}
            </fieldset>
            <Field label={LABELS.appId} htmlFor="token-app" error={errors.appId?.message}>
              <Select id="token-app" {...form.register("appId")}>
                <option value="">All apps</option>
                {(apps.data?.data ?? []).map((app) => (
                  <option key={app.id} value={app.id}>
                    {app.name} ({app.id})
                  </option>
                ))}
              </Select>
            </Field>
            <Field
              label={LABELS.expiresAt}
              htmlFor="token-expires"
              hint="Optional; empty = never."
              error={errors.expiresAt?.message}
            >
              <Input id="token-expires" type="datetime-local" {...form.register("expiresAt")} />
            </Field>
            <DialogSubmitFooter onCancel={() => setOpen(false)} pending={create.isPending}>
              Create token
            </DialogSubmitFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

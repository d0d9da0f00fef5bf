"use client";

import type { UseFormReturn } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Switch } from "@/components/ui/checkbox";
import { Field, TextField } from "@/components/ui/field";
import { Select, Textarea } from "@/components/ui/input";
import { EGRESS_LABELS as LABELS } from "./egress-model";
import type { EndpointFormValues } from "./form-model";

type Form = UseFormReturn<EndpointFormValues & { headersError?: string }>;

/**
 * Proxy override and TLS client certificate (mTLS) of an HTTP endpoint. The client key is
 * write-only: a stored one shows as set, with Replace and Remove, never its value.
 */
export function EgressFields({ form }: { form: Form }) {
  const { register, watch, setValue, formState } = form;
  const errors = formState.errors.egress;
  const egress = watch("egress");
  return (
    <div className="space-y-4" data-testid="egress-section">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Proxy"
          htmlFor="egress-proxy-mode"
          hint={
            egress.proxyMode === "inherit"
              ? "Uses HERALD_EGRESS_PROXY when the deployment sets one."
              : egress.proxyMode === "direct"
                ? "Connects directly, even when HERALD_EGRESS_PROXY is set."
                : "An HTTP CONNECT proxy: http(s)://[user:password@]host:port."
          }
        >
          <Select id="egress-proxy-mode" {...register("egress.proxyMode")}>
            <option value="inherit">Inherit the deployment&apos;s proxy</option>
            <option value="direct">No proxy (direct)</option>
            <option value="url">This proxy…</option>
          </Select>
        </Field>
        {egress.proxyMode === "url" ? (
          <TextField
            label={LABELS["egress.proxyUrl"]}
            id="egress-proxy-url"
            error={errors?.proxyUrl}
            className="font-mono"
            placeholder="http://proxy.internal:3128"
            {...register("egress.proxyUrl")}
          />
        ) : null}
      </div>

      <div className="flex items-center gap-3">
        <Switch
          id="egress-client-certificate"
          aria-label="Present a TLS client certificate (mTLS)"
          checked={egress.clientCertificateEnabled}
          onCheckedChange={(checked) =>
            setValue("egress.clientCertificateEnabled", checked, { shouldDirty: true })
          }
        />
        <label htmlFor="egress-client-certificate" className="text-sm text-slate-700">
          Present a TLS client certificate (mTLS)
        </label>
      </div>
      {egress.clientCertificateEnabled ? (
        <div className="grid gap-4 lg:grid-cols-2">
          <Field
            label={LABELS["egress.clientCertificate"]}
            htmlFor="egress-certificate"
            hint="PEM: the client certificate first, then any intermediates."
            error={errors?.clientCertificate?.message}
          >
            <Textarea
              id="egress-certificate"
              placeholder="-----BEGIN CERTIFICATE-----"
              aria-invalid={Boolean(errors?.clientCertificate)}
              {...register("egress.clientCertificate")}
            />
          </Field>
          {egress.keyStored ? (
            <Field
              label={LABELS["egress.clientKey"]}
              hint="Write-only: Herald never shows the stored key."
              error={errors?.clientKey?.message}
            >
              <div
                className="flex items-center gap-2 rounded-md border border-slate-200 px-3 py-2 text-sm"
                data-testid="client-key-set"
              >
                <span className="text-slate-700">Set</span>
                <span className="ml-auto flex gap-2">
                  <Button
                    type="button"
                    size="sm"
                    onClick={() => setValue("egress.keyStored", false, { shouldDirty: true })}
                  >
                    Replace key
                  </Button>
                  <Button
                    type="button"
                    size="sm"
                    variant="danger-outline"
                    onClick={() => {
                      // The key goes with its certificate: no client certificate at all.
                      setValue("egress.clientCertificateEnabled", false, { shouldDirty: true });
                      setValue("egress.keyStored", false);
                      setValue("egress.clientCertificate", "");
                      setValue("egress.ca", "");
                    }}
                  >
                    Remove
                  </Button>
                </span>
              </div>
            </Field>
          ) : (
            <Field
              label={LABELS["egress.clientKey"]}
              htmlFor="egress-key"
              hint="PEM, unencrypted. Stored encrypted; never shown again."
              error={errors?.clientKey?.message}
            >
              <Textarea
                id="egress-key"
                placeholder="-----BEGIN PRIVATE KEY-----"
                autoComplete="off"
                aria-invalid={Boolean(errors?.clientKey)}
                {...register("egress.clientKey")}
              />
            </Field>
          )}
          <Field
            label={LABELS["egress.ca"]}
            htmlFor="egress-ca"
            hint="Optional: PEM CA certificates the receiver's certificate must chain to, instead of the public ones."
            error={errors?.ca?.message}
            className="lg:col-span-2"
          >
            <Textarea
              id="egress-ca"
              placeholder="-----BEGIN CERTIFICATE-----"
              aria-invalid={Boolean(errors?.ca)}
              {...register("egress.ca")}
            />
          </Field>
        </div>
      ) : null}
    </div>
  );
}

"use client";

import { RefreshCw } from "lucide-react";
import { useState, type ReactNode } from "react";
import { errorMessage } from "@/lib/client/api";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogFooter,
  DialogSubmitFooter,
  DialogForm,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import { SecretField } from "@/components/ui/secret-field";

const GRACE_PERIODS = [
  { seconds: 0, label: "None: the old secret stops working now" },
  { seconds: 900, label: "15 minutes" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 86_400, label: "24 hours" },
  { seconds: 604_800, label: "7 days" },
];

/**
 * What rotating the app secret does: the grace period covers intake only (lib/services/apps.ts,
 * lib/delivery/headers.ts).
 */
export const APP_SECRET_ROTATION_EFFECTS = (
  <ul className="list-disc space-y-1.5 pl-4">
    <li>
      <strong>Intake:</strong> webhooks from your realtime server signed with the old secret are
      still accepted during the grace period. Update the realtime server within it.
    </li>
    <li>
      <strong>Deliveries:</strong> Herald signs its webhooks (X-Pusher-Signature) with the new
      secret at once. Receivers that verify it must switch to the new secret now, or accept either
      secret while they switch.
    </li>
  </ul>
);

/**
 * Rotates a secret (app or endpoint signing secret) with a grace period, then shows the new
 * secret (Reveal shows it again later). `rotate` returns the new plaintext secret; `effects` says what the grace period
 * covers for this secret (the default is true of endpoint signing secrets: deliveries carry a
 * signature with each secret until the grace period ends).
 */
export function RotateSecretDialog({
  what,
  rotate,
  triggerLabel = "Rotate secret",
  effects = "Signatures made with the old secret keep verifying during the grace period.",
}: {
  what: string;
  rotate: (graceSeconds: number) => Promise<string>;
  triggerLabel?: string;
  effects?: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [grace, setGrace] = useState(3600);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit() {
    if (pending) return;
    setPending(true);
    setError(null);
    try {
      setSecret(await rotate(grace));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setSecret(null);
      }}
    >
      <DialogTrigger asChild>
        <Button size="sm">
          <RefreshCw className="h-3.5 w-3.5" aria-hidden /> {triggerLabel}
        </Button>
      </DialogTrigger>
      <DialogContent
        title={secret ? "New secret" : `Rotate the ${what}`}
        description={
          secret
            ? "Copy it now, or later: Reveal shows it again (audited)."
            : `A new ${what} replaces the current one now.`
        }
      >
        {secret ? (
          <div className="space-y-4">
            <Field label="New secret">
              <SecretField value={secret} label="new secret" testId="rotated-secret" />
            </Field>
            <DialogFooter>
              <Button variant="primary" onClick={() => setOpen(false)}>
                Done
              </Button>
            </DialogFooter>
          </div>
        ) : (
          <DialogForm onSubmit={() => void submit()} className="space-y-4">
            <div
              data-testid="rotation-effects"
              className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
            >
              {effects}
            </div>
            <Field label="Grace period" htmlFor="grace-period" error={error ?? undefined}>
              <Select
                id="grace-period"
                value={grace}
                onChange={(event) => setGrace(Number(event.target.value))}
              >
                {GRACE_PERIODS.map((period) => (
                  <option key={period.seconds} value={period.seconds}>
                    {period.label}
                  </option>
                ))}
              </Select>
            </Field>
            <DialogSubmitFooter onCancel={() => setOpen(false)} pending={pending}>
              Rotate now
            </DialogSubmitFooter>
          </DialogForm>
        )}
      </DialogContent>
    </Dialog>
  );
}

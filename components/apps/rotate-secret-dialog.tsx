"use client";

import { RefreshCw } from "lucide-react";
import { useState } from "react";
import { errorMessage } from "@/lib/client/api";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogFooter, DialogForm, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import { SecretField } from "@/components/ui/secret-field";

export const GRACE_PERIODS = [
  { seconds: 0, label: "None: the old secret stops working now" },
  { seconds: 900, label: "15 minutes" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 86_400, label: "24 hours" },
  { seconds: 604_800, label: "7 days" },
];

/**
 * Rotates a secret (app or endpoint signing secret) with a grace period, then shows the new
 * secret once. `rotate` returns the new plaintext secret.
 */
export function RotateSecretDialog({ what, rotate, triggerLabel = "Rotate secret" }: { what: string; rotate: (graceSeconds: number) => Promise<string>; triggerLabel?: string }) {
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
      <DialogContent title={secret ? "New secret" : `Rotate the ${what}`} description={secret ? "Copy it now: it is shown only once." : "Signatures made with the old secret keep verifying during the grace period."}>
        {secret ? (
          <div className="space-y-4">
            <Field label="New secret">
              <SecretField value={secret} label="new secret" testId="rotated-secret" />
            </Field>
            <DialogFooter>
              <Button variant="primary" onClick={() => setOpen(false)}>Done</Button>
            </DialogFooter>
          </div>
        ) : (
          <DialogForm onSubmit={() => void submit()} className="space-y-4">
            <Field label="Grace period" htmlFor="grace-period" error={error ?? undefined}>
              <Select id="grace-period" value={grace} onChange={(event) => setGrace(Number(event.target.value))}>
                {GRACE_PERIODS.map((period) => (
                  <option key={period.seconds} value={period.seconds}>{period.label}</option>
                ))}
              </Select>
            </Field>
            <DialogFooter>
              <Button type="button" onClick={() => setOpen(false)}>Cancel</Button>
              <Button type="submit" variant="primary" loading={pending}>Rotate now</Button>
            </DialogFooter>
          </DialogForm>
        )}
      </DialogContent>
    </Dialog>
  );
}

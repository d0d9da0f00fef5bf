"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { CheckCircle2, ChevronRight } from "lucide-react";
import Link from "next/link";
import { useEffect, useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { useCreateApp } from "@/lib/client/apps";
import { applyApiErrors, intakeUrl } from "@/lib/client/forms";
import type { App } from "@/lib/client/types";
import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-button";
import { Dialog, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { SecretField } from "@/components/ui/secret-field";

const schema = z.object({
  name: z.string().trim().min(1, "Give the app a name"),
  id: z.string().trim().optional(),
  key: z.string().trim().optional(),
  secret: z.string().optional(),
});
type Values = z.infer<typeof schema>;
const FIELDS = ["name", "id", "key", "secret"] as const;

/**
 * openWhen: opens the dialog whenever it turns true (a link asking for it), even on this page
 * already.
 */
export function CreateAppDialog({
  trigger,
  openWhen = false,
}: {
  trigger: ReactNode;
  openWhen?: boolean;
}) {
  const [open, setOpen] = useState(openWhen);
  useEffect(() => {
    if (openWhen) setOpen(true);
  }, [openWhen]);
  const [created, setCreated] = useState<App | null>(null);
  const [advanced, setAdvanced] = useState(false);
  const createApp = useCreateApp();
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { name: "", id: "", key: "", secret: "" },
  });

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (!next) {
      // The secret is shown once: forget it when the dialog closes.
      setCreated(null);
      form.reset();
      setAdvanced(false);
    }
  }

  const onSubmit = form.handleSubmit(async (values) => {
    const body = Object.fromEntries(
      Object.entries(values).filter(([, value]) => value !== "" && value !== undefined),
    ) as Values;
    try {
      setCreated(await createApp.mutateAsync(body));
    } catch (error) {
      applyApiErrors(error, form.setError, FIELDS);
    }
  });

  const errors = form.formState.errors;
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent
        title={created ? "App created" : "Create an app"}
        description={
          created
            ? "Copy the secret now: it is shown only once."
            : "One app per realtime application (Pusher app id, key and secret)."
        }
      >
        {created ? (
          <div className="space-y-4">
            <div className="flex items-center gap-2 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
              <CheckCircle2 className="h-4 w-4" aria-hidden />{" "}
              <span>
                <strong>{created.name}</strong> is ready.
              </span>
            </div>
            <Field label="App id">
              <CopyField value={created.id} label="app id" testId="created-app-id" />
            </Field>
            <Field label="Key">
              <CopyField value={created.key} label="key" testId="created-app-key" />
            </Field>
            <Field
              label="Secret"
              hint="Shown once. Herald stores it encrypted and masks it everywhere else."
            >
              <SecretField value={created.secret} label="secret" testId="created-app-secret" />
            </Field>
            <Field
              label="Intake URL"
              hint="Paste this into your realtime server's webhook setting."
            >
              <CopyField value={intakeUrl(created.id)} label="intake URL" />
            </Field>
            <DialogFooter>
              <Button onClick={() => onOpenChange(false)}>Close</Button>
              <Button variant="primary" asChild>
                <Link
                  href={`/apps/${encodeURIComponent(created.id)}`}
                  onClick={() => onOpenChange(false)}
                >
                  Open app <ChevronRight className="h-4 w-4" aria-hidden />
                </Link>
              </Button>
            </DialogFooter>
          </div>
        ) : (
          <form onSubmit={onSubmit} noValidate className="space-y-4">
            <Field label="Name" htmlFor="app-name" error={errors.name?.message}>
              <Input
                id="app-name"
                autoFocus
                placeholder="Chat production"
                aria-invalid={Boolean(errors.name)}
                {...form.register("name")}
              />
            </Field>
            <button
              type="button"
              className="text-sm font-medium text-indigo-600 hover:text-indigo-500"
              aria-expanded={advanced}
              onClick={() => setAdvanced(!advanced)}
            >
              {advanced ? "Hide" : "Mirror an existing realtime app (id, key, secret)"}
            </button>
            {advanced ? (
              <div className="space-y-4 rounded-lg border border-slate-200 bg-slate-50/60 p-4">
                <Field
                  label="App id"
                  htmlFor="app-id"
                  hint="Leave empty to generate one."
                  error={errors.id?.message}
                >
                  <Input
                    id="app-id"
                    placeholder="123456"
                    aria-invalid={Boolean(errors.id)}
                    {...form.register("id")}
                  />
                </Field>
                <Field label="Key" htmlFor="app-key" error={errors.key?.message}>
                  <Input
                    id="app-key"
                    aria-invalid={Boolean(errors.key)}
                    {...form.register("key")}
                  />
                </Field>
                <Field label="Secret" htmlFor="app-secret" error={errors.secret?.message}>
                  <Input
                    id="app-secret"
                    type="password"
                    autoComplete="off"
                    aria-invalid={Boolean(errors.secret)}
                    {...form.register("secret")}
                  />
                </Field>
              </div>
            ) : null}
            <DialogFooter>
              <Button type="button" onClick={() => onOpenChange(false)}>
                Cancel
              </Button>
              <Button type="submit" variant="primary" loading={createApp.isPending}>
                Create app
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

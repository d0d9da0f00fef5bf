"use client";

import type { BaseSyntheticEvent, ReactNode } from "react";
import { useEffect } from "react";
import { useForm, type DefaultValues, type FieldValues } from "react-hook-form";
import { toast } from "sonner";
import { useUpdateApp } from "@/lib/client/apps";
import { schemaMessages } from "@/lib/client/field-messages";
import { applyApiErrors, submitChecked } from "@/lib/client/forms";
import type { App } from "@/lib/client/types";
import { updateAppSchema } from "@/lib/validation/apps";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";

/**
 * A card of the app's settings saved with one PATCH: the form starts from (and resets to) the
 * app's values, the API's schema checks it in the browser first, and the server's errors land on
 * the fields labelled in `labels`.
 */
export function useAppSettingsForm<Values extends FieldValues>(
  app: App,
  options: {
    values: (app: App) => Values;
    /** The PATCH body; numbers that are not numbers go as text for the schema to name. */
    update: (values: Values) => unknown;
    labels: Record<string, string>;
    saved: string;
  },
) {
  const { values, update, labels, saved } = options;
  const save = useUpdateApp(app.id);
  const initial = values(app);
  const form = useForm<Values>({ defaultValues: initial as DefaultValues<Values> });
  // Reset only when this card's own settings change, not on every change of the app (another
  // card's save would otherwise discard edits in progress here).
  const initialKey = JSON.stringify(initial);
  useEffect(() => form.reset(JSON.parse(initialKey) as Values), [form, initialKey]);
  const onSubmit = submitChecked(
    form,
    (current) => schemaMessages(updateAppSchema.safeParse(update(current)).error, labels),
    async (current) => {
      try {
        await save.mutateAsync(updateAppSchema.parse(update(current)));
        toast.success(saved);
      } catch (error) {
        applyApiErrors(error, form, labels);
      }
    },
  );
  return { form, onSubmit, saving: save.isPending };
}

/** The card of one such form: its fields (`children`), then a save button enabled once edited. */
export function SettingsCard({
  title,
  description,
  onSubmit,
  saving,
  dirty,
  saveLabel,
  children,
}: {
  title: string;
  description: string;
  onSubmit: (event?: BaseSyntheticEvent) => unknown;
  saving: boolean;
  dirty: boolean;
  saveLabel: string;
  children: ReactNode;
}) {
  return (
    <Card>
      <CardHeader title={title} description={description} />
      <form onSubmit={onSubmit} noValidate>
        <CardBody className="space-y-4">
          {children}
          <div className="flex justify-end">
            <Button type="submit" variant="primary" size="sm" loading={saving} disabled={!dirty}>
              {saveLabel}
            </Button>
          </div>
        </CardBody>
      </form>
    </Card>
  );
}

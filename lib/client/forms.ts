"use client";

import type { BaseSyntheticEvent } from "react";
import type {
  FieldValues,
  Path,
  SubmitHandler,
  UseFormReturn,
  UseFormSetError,
} from "react-hook-form";
import { toast } from "sonner";
import { ApiError, errorMessage } from "./api";

/**
 * Puts the API's validation details ({field, issue}) on the matching form fields; anything that
 * has no field in the form is shown as a toast so no error goes unseen.
 */
export function applyApiErrors<Values extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<Values>,
  fields: readonly string[],
): void {
  if (!(error instanceof ApiError) || error.details.length === 0) {
    toast.error(errorMessage(error));
    return;
  }
  const unmatched: string[] = [];
  for (const detail of error.details) {
    const field = fields.find(
      (name) => detail.field === name || detail.field.startsWith(`${name}.`),
    );
    if (field) setError(field as Path<Values>, { type: "server", message: detail.issue });
    else unmatched.push(`${detail.field}: ${detail.issue}`);
  }
  if (unmatched.length) toast.error(unmatched.join("; "));
}

/**
 * form.handleSubmit, with every error cleared first. Errors set by hand (from the API, or from
 * checks in the submit handler) can sit on fields react-hook-form does not validate itself (a
 * checkbox group, a header list), and there they would block every later submit, even once fixed.
 */
export function submitClearingErrors<Values extends FieldValues>(
  form: UseFormReturn<Values>,
  onValid: SubmitHandler<Values>,
) {
  const submit = form.handleSubmit(onValid);
  return (event?: BaseSyntheticEvent) => {
    form.clearErrors();
    return submit(event);
  };
}

export function intakeUrl(appId: string): string {
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return `${origin}/api/intake/pusher/${encodeURIComponent(appId)}`;
}

"use client";

import type { BaseSyntheticEvent } from "react";
import type { FieldValues, Path, UseFormReturn } from "react-hook-form";
import { toast } from "sonner";
import { ApiError, errorMessage } from "./api";
import { apiMessages, type FieldLabels, type FieldMessage, type FieldOf } from "./field-messages";

/**
 * Puts messages on their fields and focuses the first; a field the form cannot focus (a checkbox
 * group) is scrolled into view by `reveal` instead, when given.
 */
function showFieldMessages<Values extends FieldValues>(
  form: UseFormReturn<Values>,
  messages: readonly FieldMessage[],
  reveal?: (field: string) => boolean,
): void {
  for (const { field, message } of messages)
    form.setError(field as Path<Values>, { type: "validate", message });
  const first = messages[0]?.field;
  if (first && !reveal?.(first)) form.setFocus(first as Path<Values>);
}

/**
 * form.handleSubmit that first runs `check`: the API's own schema on what the form would send, so
 * every problem shows at once, before any request. Errors are cleared first: errors set by hand
 * sit on fields react-hook-form does not validate itself (a checkbox group, a header list), and
 * there they would block every later submit, even once fixed.
 */
export function submitChecked<Values extends FieldValues>(
  form: UseFormReturn<Values>,
  check: (values: Values) => FieldMessage[],
  onValid: (values: Values) => Promise<unknown>,
  reveal?: (field: string) => boolean,
) {
  const submit = form.handleSubmit(async (values) => {
    const messages = check(values);
    if (messages.length) return showFieldMessages(form, messages, reveal);
    await onValid(values);
  });
  return (event?: BaseSyntheticEvent) => {
    form.clearErrors();
    return submit(event);
  };
}

/**
 * The API's answer to a submit the form's own check let through: each detail ({field, issue}) on
 * its field, worded like the form's own messages; anything without a field as a toast, so no
 * error goes unseen.
 */
export function applyApiErrors<Values extends FieldValues>(
  error: unknown,
  form: UseFormReturn<Values>,
  labels: FieldLabels,
  fieldOf?: FieldOf,
): void {
  if (!(error instanceof ApiError) || error.details.length === 0) {
    toast.error(errorMessage(error));
    return;
  }
  const { messages, unplaced } = apiMessages(error.details, labels, fieldOf);
  showFieldMessages(form, messages);
  if (unplaced.length) toast.error(unplaced.join("; "));
}

export function intakeUrl(appId: string): string {
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return `${origin}/api/intake/pusher/${encodeURIComponent(appId)}`;
}

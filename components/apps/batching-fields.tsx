import type { UseFormRegisterReturn } from "react-hook-form";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

/** Labels of the batching numbers, the same for an app and for an endpoint's override. */
export const BATCHING_LABELS = {
  "batching.durationMs": "Batch window (ms)",
  "batching.maxBatchSize": "Max batch size",
} as const;

/**
 * The batch window and size, as text kept for the API's schema to judge, so an app's batching and
 * an endpoint's read and complain alike ("Batch window must be a whole number of ms from 1 to
 * 60000").
 */
export function BatchingNumbers({
  idPrefix,
  durationMs,
  maxBatchSize,
  errors,
}: {
  idPrefix: string;
  durationMs: UseFormRegisterReturn;
  maxBatchSize: UseFormRegisterReturn;
  errors: { durationMs?: string; maxBatchSize?: string };
}) {
  return (
    <>
      <Field
        label={BATCHING_LABELS["batching.durationMs"]}
        htmlFor={`${idPrefix}-batch-duration`}
        error={errors.durationMs}
      >
        <Input
          id={`${idPrefix}-batch-duration`}
          inputMode="numeric"
          aria-invalid={Boolean(errors.durationMs)}
          {...durationMs}
        />
      </Field>
      <Field
        label={BATCHING_LABELS["batching.maxBatchSize"]}
        htmlFor={`${idPrefix}-batch-size`}
        error={errors.maxBatchSize}
      >
        <Input
          id={`${idPrefix}-batch-size`}
          inputMode="numeric"
          aria-invalid={Boolean(errors.maxBatchSize)}
          {...maxBatchSize}
        />
      </Field>
    </>
  );
}

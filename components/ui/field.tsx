import * as LabelPrimitive from "@radix-ui/react-label";
import { forwardRef, type InputHTMLAttributes, type ReactNode } from "react";
import { cn } from "./cn";
import { Input } from "./input";

/** A labelled form control with a hint and the field's error (from the form or the API). */
export function Field({
  label,
  htmlFor,
  hint,
  error,
  children,
  className,
}: {
  label: ReactNode;
  htmlFor?: string;
  hint?: ReactNode;
  error?: string;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={cn("space-y-1.5", className)}>
      <LabelPrimitive.Root htmlFor={htmlFor} className="block text-sm font-medium text-slate-700">
        {label}
      </LabelPrimitive.Root>
      {children}
      {error ? (
        <p className="text-xs font-medium text-red-600" role="alert">
          {error}
        </p>
      ) : hint ? (
        <p className="text-xs text-slate-500">{hint}</p>
      ) : null}
    </div>
  );
}

/**
 * A labelled text input with its hint and error: `error` is the form's error for the field (its
 * message is shown and marks the input invalid); the other props go to the input.
 */
export const TextField = forwardRef<
  HTMLInputElement,
  InputHTMLAttributes<HTMLInputElement> & {
    id: string;
    label: ReactNode;
    hint?: ReactNode;
    error?: { message?: string };
    fieldClassName?: string;
  }
>(function TextField({ id, label, hint, error, fieldClassName, ...input }, ref) {
  return (
    <Field label={label} htmlFor={id} hint={hint} error={error?.message} className={fieldClassName}>
      <Input ref={ref} id={id} aria-invalid={Boolean(error)} {...input} />
    </Field>
  );
});

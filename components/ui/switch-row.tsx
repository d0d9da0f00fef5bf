"use client";

import type { ReactNode } from "react";
import { Controller, type Control, type FieldPath, type FieldValues } from "react-hook-form";
import { Switch } from "./checkbox";
import { cn } from "./cn";

/** A setting turned on and off by a switch, with what each state means. */
export function SwitchRow<Values extends FieldValues>({
  control,
  name,
  label,
  description,
  className,
}: {
  control: Control<Values>;
  name: FieldPath<Values>;
  label: string;
  description: ReactNode;
  className?: string;
}) {
  return (
    <label className={cn("flex items-center justify-between gap-4", className)}>
      <span>
        <span className="block text-sm font-medium text-slate-700">{label}</span>
        <span className="block text-xs text-slate-500">{description}</span>
      </span>
      <Controller
        control={control}
        name={name}
        render={({ field }) => (
          <Switch
            checked={Boolean(field.value)}
            onCheckedChange={field.onChange}
            aria-label={label}
          />
        )}
      />
    </label>
  );
}

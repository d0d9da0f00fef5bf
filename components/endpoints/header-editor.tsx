"use client";

import { Eye, EyeOff, Plus, Trash2 } from "lucide-react";
import { useState } from "react";
import { useFieldArray, type Control, type UseFormRegister } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import type { EndpointFormValues } from "./form-model";

/**
 * Custom request headers. Stored values come back masked; leaving a masked value as it is
 * keeps the stored one. Values are hidden while typing unless revealed.
 */
export function HeaderEditor({
  control,
  register,
  error,
  notice,
}: {
  control: Control<EndpointFormValues>;
  register: UseFormRegister<EndpointFormValues>;
  error?: string;
  /** Something to do before saving (stored values that cannot follow a new URL). */
  notice?: string;
}) {
  const { fields, append, remove } = useFieldArray({ control, name: "headers" });
  const [revealed, setRevealed] = useState<Set<string>>(new Set());

  return (
    <div className="space-y-2">
      {fields.length === 0 ? (
        <p className="text-sm text-slate-500">
          No custom headers. Use them for receiver credentials, e.g. Authorization.
        </p>
      ) : null}
      {fields.map((field, index) => {
        const shown = revealed.has(field.id);
        return (
          <div key={field.id} className="flex items-center gap-2" data-testid="header-row">
            <Input
              aria-label={`Header ${index + 1} name`}
              placeholder="Authorization"
              className="w-2/5 font-mono text-xs"
              {...register(`headers.${index}.name`)}
            />
            <Input
              aria-label={`Header ${index + 1} value`}
              placeholder={field.stored ? "unchanged" : "value"}
              type={shown ? "text" : "password"}
              autoComplete="off"
              className="flex-1 font-mono text-xs"
              {...register(`headers.${index}.value`)}
            />
            <Button
              type="button"
              variant="ghost"
              size="icon"
              aria-label={
                shown ? `Hide value of header ${index + 1}` : `Reveal value of header ${index + 1}`
              }
              onClick={() =>
                setRevealed((current) => {
                  const next = new Set(current);
                  if (next.has(field.id)) next.delete(field.id);
                  else next.add(field.id);
                  return next;
                })
              }
            >
              {shown ? (
                <EyeOff className="h-4 w-4" aria-hidden />
              ) : (
                <Eye className="h-4 w-4" aria-hidden />
              )}
            </Button>
            <Button
              type="button"
              variant="ghost"
              size="icon"
              aria-label={`Remove header ${index + 1}`}
              onClick={() => remove(index)}
            >
              <Trash2 className="h-4 w-4" aria-hidden />
            </Button>
          </div>
        );
      })}
      {notice ? (
        <p data-testid="headers-notice" className="text-xs font-medium text-amber-700">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="text-xs font-medium text-red-600">
          {error}
        </p>
      ) : null}
      <Button
        type="button"
        size="sm"
        onClick={() => append({ name: "", value: "", stored: false })}
      >
        <Plus className="h-3.5 w-3.5" aria-hidden /> Add header
      </Button>
      <p className="text-xs text-slate-500">
        Stored values are shown masked (********); leave them as they are to keep them.
      </p>
    </div>
  );
}

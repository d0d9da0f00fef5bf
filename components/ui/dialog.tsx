"use client";

import * as DialogPrimitive from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import { useRef, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { Button } from "./button";
import { cn } from "./cn";

export const Dialog = DialogPrimitive.Root;
export const DialogTrigger = DialogPrimitive.Trigger;

export function DialogContent({
  title,
  description,
  children,
  className,
  side,
  onCloseAutoFocus,
}: {
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  className?: string;
  /** "right" renders a drawer. */
  side?: "right";
  /**
   * Where focus goes on close, when the dialog was not opened by a trigger (which gets it back by
   * default).
   */
  onCloseAutoFocus?: (event: Event) => void;
}) {
  const body = useRef<HTMLDivElement>(null);
  return (
    <DialogPrimitive.Portal>
      <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-slate-900/40 backdrop-blur-[1px]" />
      <DialogPrimitive.Content
        // Radix focuses the first focusable element, the header's close button: Enter would close
        // the dialog. Start on the first field instead, where there is one.
        onOpenAutoFocus={(event) => {
          const field = body.current?.querySelector<HTMLElement>(FIRST_FIELD);
          if (!field) return;
          event.preventDefault();
          field.focus();
        }}
        onCloseAutoFocus={onCloseAutoFocus}
        aria-describedby={description ? undefined : undefined}
        className={cn(
          "fixed z-50 flex flex-col bg-white shadow-xl focus:outline-none",
          side === "right"
            ? "inset-y-0 right-0 w-full max-w-3xl border-l border-slate-200"
            : "top-[10vh] left-1/2 max-h-[80vh] w-[calc(100vw-2rem)] max-w-lg -translate-x-1/2 rounded-xl border border-slate-200",
          className,
        )}
      >
        <div className="flex items-start justify-between gap-4 border-b border-slate-100 px-5 py-4">
          <div className="min-w-0">
            <DialogPrimitive.Title className="text-base font-semibold text-slate-900">
              {title}
            </DialogPrimitive.Title>
            {description ? (
              <DialogPrimitive.Description className="mt-0.5 text-sm text-slate-500">
                {description}
              </DialogPrimitive.Description>
            ) : (
              <DialogPrimitive.Description className="sr-only">
                {typeof title === "string" ? title : "Dialog"}
              </DialogPrimitive.Description>
            )}
          </div>
          <DialogPrimitive.Close
            className="rounded-md p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-600 focus-visible:outline-2 focus-visible:outline-indigo-600"
            aria-label="Close"
          >
            <X className="h-4 w-4" />
          </DialogPrimitive.Close>
        </div>
        <div ref={body} className="min-h-0 flex-1 overflow-y-auto px-5 py-4">
          {children}
        </div>
      </DialogPrimitive.Content>
    </DialogPrimitive.Portal>
  );
}

const FIRST_FIELD = ["input", "select", "textarea"]
  .map((tag) => `${tag}:not([disabled]):not([type="hidden"])`)
  .join(", ");

/**
 * A dialog's form: submitted by its submit button or Enter. Browsers submit on Enter only from a
 * text-like input; a select (the only field of some dialogs) is given the same.
 */
export function DialogForm({
  onSubmit,
  children,
  className,
}: {
  onSubmit: () => void;
  children: ReactNode;
  className?: string;
}) {
  return (
    <form
      noValidate
      className={className}
      onSubmit={(event: FormEvent<HTMLFormElement>) => {
        event.preventDefault();
        onSubmit();
      }}
      onKeyDown={(event: KeyboardEvent<HTMLFormElement>) => {
        if (event.key !== "Enter" || !(event.target instanceof HTMLSelectElement)) return;
        event.preventDefault();
        event.currentTarget.requestSubmit();
      }}
    >
      {children}
    </form>
  );
}

export function DialogFooter({ children }: { children: ReactNode }) {
  return (
    <div className="mt-5 flex justify-end gap-2 border-t border-slate-100 pt-4">{children}</div>
  );
}

/** A form dialog's footer: Cancel, and the submit button (`children` is its label). */
export function DialogSubmitFooter({
  onCancel,
  pending,
  children,
}: {
  onCancel: () => void;
  pending: boolean;
  children: ReactNode;
}) {
  return (
    <DialogFooter>
      <Button type="button" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" variant="primary" loading={pending}>
        {children}
      </Button>
    </DialogFooter>
  );
}

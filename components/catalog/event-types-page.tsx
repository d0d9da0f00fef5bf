"use client";

import { BookOpen, Pencil, Plus, Trash2 } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import {
  useCreateEventType,
  useDeleteEventType,
  useEventTypes,
  useUpdateEventType,
} from "@/lib/client/catalog";
import {
  fieldMessage,
  firstPerField,
  schemaMessages,
  type FieldMessage,
} from "@/lib/client/field-messages";
import { applyApiErrors, submitChecked } from "@/lib/client/forms";
import type { EventType } from "@/lib/client/types";
import { createEventTypeSchema, updateEventTypeSchema } from "@/lib/validation/event-types";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ScrollTable } from "@/components/ui/table";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogSubmitFooter, DialogTrigger } from "@/components/ui/dialog";
import { Field, TextField } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page-header";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";

export function EventTypesPage() {
  const eventTypes = useEventTypes();
  const remove = useDeleteEventType();
  const rows = eventTypes.data?.data ?? [];
  const custom = rows.filter((row) => !row.builtIn);
  const builtIn = rows.filter((row) => row.builtIn);

  return (
    <>
      <PageHeader
        title="Event types"
        description="The catalog endpoints subscribe to. Custom types can carry a JSON Schema that incoming events are validated against."
        actions={<EventTypeDialog />}
      />
      {eventTypes.isPending ? (
        <Card>
          <SkeletonRows rows={6} />
        </Card>
      ) : eventTypes.isError ? (
        <Card>
          <ErrorState error={eventTypes.error} retry={() => void eventTypes.refetch()} />
        </Card>
      ) : (
        <div className="space-y-6">
          <Card>
            <div className="border-b border-slate-100 px-5 py-3 text-sm font-semibold text-slate-900">
              Custom
            </div>
            {custom.length === 0 ? (
              <EmptyState
                icon={BookOpen}
                title="No custom event types"
                description="Add your own event names (e.g. order.paid) with an optional JSON Schema."
                action={<EventTypeDialog />}
              />
            ) : (
              <EventTypeTable
                rows={custom}
                onDelete={async (name) => {
                  await remove.mutateAsync(name);
                  toast.success(`Deleted ${name}`);
                }}
              />
            )}
          </Card>
          <Card>
            <div className="border-b border-slate-100 px-5 py-3 text-sm font-semibold text-slate-900">
              Built in
            </div>
            <EventTypeTable rows={builtIn} />
          </Card>
        </div>
      )}
    </>
  );
}

function EventTypeTable({
  rows,
  onDelete,
}: {
  rows: EventType[];
  onDelete?: (name: string) => Promise<void>;
}) {
  return (
    <ScrollTable>
      <tbody className="divide-y divide-slate-100">
        {rows.map((row) => (
          <tr key={row.name} data-testid={`event-type-${row.name}`}>
            <td className="w-72 px-5 py-3 align-top font-mono text-xs font-medium text-slate-900">
              {row.name}
            </td>
            <td className="px-5 py-3 align-top text-slate-600">
              {row.description || <span className="text-slate-400">No description</span>}
              {row.schema ? (
                <details className="mt-1.5">
                  <summary className="cursor-pointer text-xs font-medium text-indigo-600">
                    JSON Schema
                  </summary>
                  <pre className="mt-1.5 max-h-56 overflow-auto rounded-md bg-slate-50 px-3 py-2 font-mono text-xs text-slate-700 ring-1 ring-slate-200">
                    {JSON.stringify(row.schema, null, 2)}
                  </pre>
                </details>
              ) : null}
            </td>
            <td className="w-48 px-5 py-3 text-right align-top whitespace-nowrap">
              {row.schema ? <Badge tone="indigo">schema</Badge> : null}
              {onDelete ? <EventTypeDialog existing={row} /> : null}
              {onDelete ? (
                <ConfirmDialog
                  trigger={
                    <Button variant="ghost" size="icon" aria-label={`Delete ${row.name}`}>
                      <Trash2 className="h-4 w-4" aria-hidden />
                    </Button>
                  }
                  title={`Delete ${row.name}?`}
                  description="Endpoints subscribed to it must be changed first; the API refuses otherwise."
                  confirmLabel="Delete event type"
                  onConfirm={() => onDelete(row.name)}
                />
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </ScrollTable>
  );
}

type Values = { name: string; description: string; schema: string };

const LABELS = { name: "Name", description: "Description", schema: "JSON Schema" } as const;

/** The JSON Schema box's text as JSON: undefined when empty, or why it is not JSON. */
function parseSchemaText(text: string): { schema?: unknown; error?: string } {
  if (!text.trim()) return {};
  try {
    return { schema: JSON.parse(text) };
  } catch (error) {
    return { error: `is not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * The body the dialog sends: a new type's name, description and schema, or an existing one's
 * description and schema (null removes it).
 */
const eventTypeBody = (values: Values, existing: EventType | undefined, schema: unknown) =>
  existing
    ? { description: values.description, schema: schema ?? null }
    : {
        name: values.name.trim(),
        description: values.description,
        ...(schema === undefined ? {} : { schema }),
      };

/** Every problem at once: the name and the JSON together, as the API's schema sees them. */
function eventTypeIssues(values: Values, existing: EventType | undefined): FieldMessage[] {
  const messages: FieldMessage[] = [];
  if (!existing && !values.name.trim())
    messages.push({ field: "name", message: fieldMessage("name", "is required", LABELS) });
  const json = parseSchemaText(values.schema);
  if (json.error)
    messages.push({ field: "schema", message: fieldMessage("schema", json.error, LABELS) });
  const schema = existing ? updateEventTypeSchema : createEventTypeSchema;
  const parsed = schema.safeParse(eventTypeBody(values, existing, json.schema));
  return firstPerField(messages, schemaMessages(parsed.error, LABELS));
}

function EventTypeDialog({ existing }: { existing?: EventType }) {
  const [open, setOpen] = useState(false);
  const create = useCreateEventType();
  const update = useUpdateEventType();
  const defaults = {
    name: existing?.name ?? "",
    description: existing?.description ?? "",
    schema: existing?.schema ? JSON.stringify(existing.schema, null, 2) : "",
  };
  const form = useForm<Values>({ defaultValues: defaults });
  const errors = form.formState.errors;

  const submit = submitChecked(
    form,
    (values) => eventTypeIssues(values, existing),
    async (values) => {
      const body = eventTypeBody(values, existing, parseSchemaText(values.schema).schema);
      try {
        if (existing) {
          await update.mutateAsync({ name: existing.name, ...body });
          toast.success(`Event type ${existing.name} saved`);
        } else {
          await create.mutateAsync({ name: values.name.trim(), ...body });
          toast.success(`Event type ${values.name} created`);
        }
        setOpen(false);
        form.reset(existing ? values : defaults);
      } catch (error) {
        applyApiErrors(error, form, LABELS);
      }
    },
  );

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        // Opened afresh from what is stored: input typed and then cancelled is not kept.
        if (next) form.reset(defaults);
        setOpen(next);
      }}
    >
      <DialogTrigger asChild>
        {existing ? (
          <Button variant="ghost" size="icon" aria-label={`Edit ${existing.name}`}>
            <Pencil className="h-4 w-4" aria-hidden />
          </Button>
        ) : (
          <Button variant="primary">
            <Plus className="h-4 w-4" aria-hidden /> New event type
          </Button>
        )}
      </DialogTrigger>
      <DialogContent
        title={existing ? `Edit ${existing.name}` : "New event type"}
        description="A custom event name producers can send and endpoints can subscribe to."
      >
        <form onSubmit={submit} noValidate className="space-y-4">
          <TextField
            label={LABELS.name}
            id="event-type-name"
            hint="Lowercase letters, digits and _ . : -"
            error={errors.name}
            className="font-mono"
            placeholder="order.paid"
            disabled={Boolean(existing)}
            {...form.register("name")}
          />
          <Field
            label={LABELS.description}
            htmlFor="event-type-description"
            error={errors.description?.message}
          >
            <Input
              id="event-type-description"
              placeholder="An order was paid"
              {...form.register("description")}
            />
          </Field>
          <Field
            label={LABELS.schema}
            htmlFor="event-type-schema"
            hint="Optional. Incoming events of this type must satisfy it; data is checked decoded (the object, not its JSON string)."
            error={errors.schema?.message}
          >
            <Textarea
              id="event-type-schema"
              rows={8}
              placeholder={'{\n  "type": "object",\n  "required": ["data"]\n}'}
              aria-invalid={Boolean(errors.schema)}
              {...form.register("schema")}
            />
          </Field>
          <DialogSubmitFooter
            onCancel={() => setOpen(false)}
            pending={create.isPending || update.isPending}
          >
            {existing ? "Save event type" : "Create event type"}
          </DialogSubmitFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

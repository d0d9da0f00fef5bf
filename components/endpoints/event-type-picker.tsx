"use client";

import Link from "next/link";
import { useEventTypes } from "@/lib/client/catalog";
import type { EventType } from "@/lib/client/types";
import { Checkbox } from "@/components/ui/checkbox";
import { Skeleton } from "@/components/ui/skeleton";
import { ErrorState } from "@/components/ui/states";

const GROUP_ORDER = ["Channels and members", "Push notifications", "Custom"] as const;
const groupOf = (eventType: EventType): (typeof GROUP_ORDER)[number] =>
  !eventType.builtIn
    ? "Custom"
    : eventType.name.startsWith("push.")
      ? "Push notifications"
      : "Channels and members";

/** Checkboxes for the event-type catalog, grouped, each with its description. */
export function EventTypePicker({
  value,
  onChange,
  invalid,
}: {
  value: string[];
  onChange: (next: string[]) => void;
  invalid?: boolean;
}) {
  const eventTypes = useEventTypes();
  if (eventTypes.isPending) return <Skeleton className="h-40" />;
  if (eventTypes.isError)
    return <ErrorState error={eventTypes.error} retry={() => void eventTypes.refetch()} />;

  const selected = new Set(value);
  const groups = new Map<string, EventType[]>();
  for (const group of GROUP_ORDER) groups.set(group, []);
  for (const eventType of eventTypes.data.data) groups.get(groupOf(eventType))!.push(eventType);
  for (const group of GROUP_ORDER) if (groups.get(group)!.length === 0) groups.delete(group);
  const toggle = (name: string, checked: boolean) =>
    onChange(checked ? [...value, name] : value.filter((item) => item !== name));
  const setGroup = (names: string[], checked: boolean) =>
    onChange(
      checked ? [...new Set([...value, ...names])] : value.filter((item) => !names.includes(item)),
    );

  return (
    <div className={invalid ? "rounded-lg ring-2 ring-red-300" : undefined}>
      {[...groups.entries()].map(([group, types]) => {
        const names = types.map((type) => type.name);
        const all = names.every((name) => selected.has(name));
        return (
          <fieldset key={group} className="mb-4 last:mb-0">
            <div className="mb-2 flex items-center justify-between">
              <legend className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
                {group}
              </legend>
              <button
                type="button"
                className="text-xs font-medium text-indigo-600 hover:text-indigo-500"
                onClick={() => setGroup(names, !all)}
              >
                {all ? "Clear" : "Select all"}
              </button>
            </div>
            <div className="grid gap-2 sm:grid-cols-2">
              {types.map((eventType) => {
                const id = `event-type-${eventType.name}`;
                return (
                  <label
                    key={eventType.name}
                    htmlFor={id}
                    className="flex cursor-pointer items-start gap-3 rounded-lg border border-slate-200 px-3 py-2.5 hover:border-slate-300 has-[[data-state=checked]]:border-indigo-300 has-[[data-state=checked]]:bg-indigo-50/50"
                  >
                    <Checkbox
                      id={id}
                      className="mt-0.5"
                      checked={selected.has(eventType.name)}
                      onCheckedChange={(checked) => toggle(eventType.name, checked === true)}
                      aria-label={eventType.name}
                    />
                    <span className="min-w-0">
                      <span className="block font-mono text-xs font-medium text-slate-900">
                        {eventType.name}
                      </span>
                      {eventType.description ? (
                        <span className="mt-0.5 block text-xs text-slate-500">
                          {eventType.description}
                        </span>
                      ) : null}
                    </span>
                  </label>
                );
              })}
            </div>
          </fieldset>
        );
      })}
      {groups.size === 0 ? (
        <p className="text-sm text-slate-500">
          The catalog is empty.{" "}
          <Link className="text-indigo-600" href="/event-types">
            Add event types
          </Link>
          .
        </p>
      ) : null}
    </div>
  );
}

import type { z } from "zod";

// The dashboard's forms check their input with the API's own zod schemas (lib/validation) before
// sending it, and show the API's answer for what only the server can check. Both speak of fields
// by their API names ("must be later than since"); the operator sees the form's labels ("To must
// be later than From"). Pure: no React, so it is unit-tested as it is.

/** What one field of a form has wrong, in words naming the field as the form labels it. */
export type FieldMessage = { field: string; message: string };

/** Form field -> its label as the form shows it ("Timeout (ms)"). */
export type FieldLabels = Readonly<Record<string, string>>;

/** A label as the subject of a sentence: its unit in brackets goes ("Timeout (ms)" -> "Timeout"). */
export const subjectOf = (label: string) => label.replace(/\s*\([^)]*\)$/, "");

/**
 * "must be later than since" on the field labelled "To", where `names` says the message mentions
 * the field `since` (labelled "From"): "To must be later than From".
 */
export function fieldMessage(
  field: string,
  issue: string,
  labels: FieldLabels,
  names: readonly string[] = [],
): string {
  let text = issue;
  for (const name of names) {
    const label = labels[name];
    if (label)
      text = text.replace(new RegExp(`\\b${escapeRegExp(name)}\\b`, "g"), subjectOf(label));
  }
  const label = labels[field];
  if (!label) return text;
  // "'x' is listed twice" names a value, not the field: "Event types: 'x' is listed twice".
  return /^['"]/.test(text) ? `${subjectOf(label)}: ${text}` : `${subjectOf(label)} ${text}`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A custom zod issue's message that names other fields: those names, so a form can say its labels
 * instead (see fieldMessage).
 */
const namesIn = (issue: z.core.$ZodIssue): string[] => {
  const names = issue.code === "custom" ? (issue.params as { names?: unknown })?.names : undefined;
  return Array.isArray(names) ? names.filter((name) => typeof name === "string") : [];
};

/**
 * Where a form shows an API field: the form field, and the subject of its message when that is not
 * the field's label (one header of a header list: "Header X-Team"). Null: the form has no place
 * for it.
 */
export type FieldOf = (apiField: string) => string | { field: string; subject: string } | null;

/**
 * The default place of an API field: the labelled form field that is it or holds it ("eventTypes.2"
 * shows on "eventTypes").
 */
const labelledField =
  (labels: FieldLabels): FieldOf =>
  (apiField) =>
    Object.keys(labels).find((name) => apiField === name || apiField.startsWith(`${name}.`)) ??
    null;

function toMessage(
  apiField: string,
  issue: string,
  labels: FieldLabels,
  fieldOf: FieldOf,
  names: readonly string[] = [],
): FieldMessage | null {
  const place = fieldOf(apiField);
  if (place === null) return null;
  if (typeof place === "string")
    return { field: place, message: fieldMessage(place, issue, labels, names) };
  return {
    field: place.field,
    message: fieldMessage(place.field, issue, { ...labels, [place.field]: place.subject }, names),
  };
}

/**
 * The schema's issues as form messages, at most one per form field (the first), in the order the
 * schema found them. Issues the form has no field for are left out: a form runs the API's schema
 * on what it would send, and sends only what it has fields for.
 */
export function schemaMessages(
  error: z.ZodError | undefined,
  labels: FieldLabels,
  fieldOf: FieldOf = labelledField(labels),
): FieldMessage[] {
  const messages = (error?.issues ?? []).flatMap((issue) => {
    const message = toMessage(issue.path.join("."), issue.message, labels, fieldOf, namesIn(issue));
    return message ? [message] : [];
  });
  return firstPerField(messages);
}

/**
 * The details of an API error ({field, issue}) as form messages; those the form has no field for
 * come back in `unplaced`, as "field: issue" text.
 */
export function apiMessages(
  details: readonly { field: string; issue: string }[],
  labels: FieldLabels,
  fieldOf: FieldOf = labelledField(labels),
): { messages: FieldMessage[]; unplaced: string[] } {
  const messages: FieldMessage[] = [];
  const unplaced: string[] = [];
  for (const detail of details) {
    const message = toMessage(detail.field, detail.issue, labels, fieldOf);
    if (message) messages.push(message);
    else unplaced.push(`${detail.field}: ${detail.issue}`);
  }
  return { messages: firstPerField(messages), unplaced };
}

/**
 * A number field's text as the API gets it: digits become a number, anything else stays text so
 * the API's schema names the field ("must be a whole number of ms from 1 to 60000").
 */
export const numberOrText = (text: string): number | string =>
  /^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim();

/** Messages found first win: a field keeps its first message; order is that of `lists`. */
export function firstPerField(...lists: FieldMessage[][]): FieldMessage[] {
  const merged: FieldMessage[] = [];
  for (const message of lists.flat())
    if (!merged.some((kept) => kept.field === message.field)) merged.push(message);
  return merged;
}

// How an audit entry's changes read: Postgres (jsonb) stores keys in its own order, so they are
// put in a fixed order here; nulls say what they mean; endpoint ids become descriptions.

/** What comes first; keys not listed follow alphabetically. */
const ORDER = [
  "name",
  "description",
  "url",
  "lambda",
  "key",
  "enabled",
  "endpointId",
  "eventTypes",
  "eventName",
  "channel",
  "since",
  "until",
  "total",
  "scopes",
];

/** What null means for keys where it means something other than "none". */
const NULL_MEANS: Record<string, string> = {
  endpointId: "all endpoints",
  eventTypes: "all event types",
  until: "now",
};

const rank = (key: string) => {
  const index = ORDER.indexOf(key);
  return index === -1 ? ORDER.length : index;
};

const orderedKeys = (changes: Record<string, unknown>) =>
  Object.keys(changes).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

/** The changes with their keys in the fixed order (for the full JSON view). */
export const orderedChanges = (changes: Record<string, unknown>) =>
  Object.fromEntries(orderedKeys(changes).map((key) => [key, changes[key]]));

type EndpointName = (id: string) => string | undefined;

function formatValue(key: string, value: unknown, endpointName: EndpointName): string {
  if (value === null || value === undefined) return NULL_MEANS[key] ?? "none";
  if (key === "endpointId" && typeof value === "string") return endpointName(value) ?? value;
  if (typeof value === "string") return value;
  if (Array.isArray(value))
    return value.length
      ? value.map((item) => formatValue(key, item, endpointName)).join(", ")
      : "none";
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    // An update: {from, to} per field.
    if ("from" in record && "to" in record && Object.keys(record).length === 2)
      return `${formatValue(key, record.from, endpointName)} → ${formatValue(key, record.to, endpointName)}`;
    return JSON.stringify(orderedChanges(record));
  }
  return String(value);
}

/** One line: key=value pairs in a fixed order, readable values; the full JSON is a click away. */
export function summarizeChanges(
  changes: Record<string, unknown>,
  endpointName: EndpointName = () => undefined,
): string {
  return orderedKeys(changes)
    .map((key) => `${key}=${formatValue(key, changes[key], endpointName)}`)
    .join("  ·  ");
}

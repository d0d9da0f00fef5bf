import { db } from "../db";
import { decodeCursor, toPage, type PageRequest } from "./pagination";
import { AppError, notFound, validationError } from "../errors";
import type { Principal } from "../auth/types";
import { checkPattern } from "../pattern-check";
import { Prisma, type EventType } from "../generated/prisma/client";
import {
  EVENT_TYPE_NAME,
  type CreateEventTypeInput,
  type UpdateEventTypeInput,
} from "../validation/event-types";
import { schemaCostIssues } from "../validation/schema-cost";
import { changedFields, recordAudit } from "./audit";
import { ajvFor, type JsonSchema } from "./event-validation";

function presentEventType(eventType: EventType) {
  return {
    name: eventType.name,
    description: eventType.description,
    schema: (eventType.schema as JsonSchema | null) ?? null,
    builtIn: eventType.builtIn,
    createdAt: eventType.createdAt.toISOString(),
    updatedAt: eventType.updatedAt.toISOString(),
  };
}

/** Each is checked for ReDoS when the schema is saved; a bound keeps that check short. */
const MAX_SCHEMA_PATTERNS = 20;

/** Every `pattern` and `patternProperties` key in a schema, with where it is. */
function schemaPatterns(
  node: unknown,
  path: string,
  into: { path: string; pattern: string }[] = [],
): { path: string; pattern: string }[] {
  if (!node || typeof node !== "object") return into;
  for (const [key, value] of Object.entries(node)) {
    if (key === "pattern" && typeof value === "string")
      into.push({ path: `${path}/${key}`, pattern: value });
    if (key === "patternProperties" && value && typeof value === "object")
      for (const pattern of Object.keys(value)) into.push({ path: `${path}/${key}`, pattern });
    schemaPatterns(value, `${path}/${key}`, into);
  }
  return into;
}

/**
 * Regexes inside a schema run on every incoming event, so they get the same ReDoS check as filters,
 * under the `u` flag Ajv compiles them with.
 */
async function unsafePatternIssue(schema: JsonSchema): Promise<string | null> {
  const patterns = schemaPatterns(schema, "#");
  if (patterns.length > MAX_SCHEMA_PATTERNS)
    return `#: has ${patterns.length} regular expressions (pattern, patternProperties); at most ${MAX_SCHEMA_PATTERNS} are allowed`;
  for (const { path, pattern } of patterns) {
    const check = await checkPattern(pattern, "u");
    if (!check.ok) return `${path}: pattern '${pattern}' ${check.issue}`;
  }
  return null;
}

/**
 * Compiles the schema at save time so a broken or too costly schema is a 422, never a failure (or
 * a stalled event loop) at intake.
 */
async function compileOrReject(schema: JsonSchema): Promise<void> {
  const costIssues = schemaCostIssues(schema);
  if (costIssues.length)
    throw new AppError(
      "validation_failed",
      `schema: ${costIssues.map((entry) => `${entry.path}: ${entry.issue}`).join("; ")}`,
      costIssues.map((entry) => ({ field: "schema", issue: `${entry.path}: ${entry.issue}` })),
    );
  const patternIssue = await unsafePatternIssue(schema);
  if (patternIssue) throw validationError("schema", patternIssue);
  try {
    ajvFor(schema).compile(schema);
  } catch (error) {
    throw validationError("schema", `is not a valid JSON Schema: ${(error as Error).message}`);
  }
}

/** Alphabetical pages; the cursor is the last name of the previous page. */
export async function listEventTypes(page: PageRequest) {
  const after = decodeCursor(page.cursor);
  const rows = await db.eventType.findMany({
    where: after ? { name: { gt: after } } : {},
    orderBy: { name: "asc" },
    take: page.limit + 1,
  });
  return toPage(
    rows.map((row) => ({ ...row, id: row.name })),
    page,
    presentEventType,
  );
}

async function getEventTypeRecord(name: string): Promise<EventType> {
  const eventType = EVENT_TYPE_NAME.test(name)
    ? await db.eventType.findUnique({ where: { name } })
    : null;
  if (!eventType) throw notFound("Event type", name);
  return eventType;
}

export async function getEventType(name: string) {
  return presentEventType(await getEventTypeRecord(name));
}

export async function createEventType(principal: Principal, input: CreateEventTypeInput) {
  if (input.schema) await compileOrReject(input.schema);
  const existing = await db.eventType.findUnique({
    where: { name: input.name },
    select: { name: true },
  });
  if (existing)
    throw new AppError("conflict", `Event type '${input.name}' already exists`, [
      { field: "name", issue: "already exists" },
    ]);
  const eventType = await db.$transaction(async (tx) => {
    const created = await tx.eventType.create({
      data: {
        name: input.name,
        description: input.description,
        schema: input.schema ? (input.schema as Prisma.InputJsonValue) : Prisma.DbNull,
      },
    });
    await recordAudit(tx, principal, {
      action: "event_type.created",
      resourceType: "event_type",
      resourceId: input.name,
      changes: input,
    });
    return created;
  });
  return presentEventType(eventType);
}

/** Built-in types keep their meaning: only their description may change (403 otherwise). */
export async function updateEventType(
  principal: Principal,
  name: string,
  input: UpdateEventTypeInput,
) {
  const current = await getEventTypeRecord(name);
  if (current.builtIn && input.schema !== undefined) {
    throw new AppError(
      "forbidden",
      `Event type '${name}' is built in: only its description can be changed`,
      [{ field: "schema", issue: "cannot be set on a built-in event type" }],
    );
  }
  if (input.schema) await compileOrReject(input.schema);
  const schema =
    input.schema === undefined
      ? undefined
      : input.schema === null
        ? Prisma.DbNull
        : (input.schema as Prisma.InputJsonValue);
  const eventType = await db.$transaction(async (tx) => {
    const updated = await tx.eventType.update({
      where: { name },
      data: { description: input.description, schema },
    });
    await recordAudit(tx, principal, {
      action: "event_type.updated",
      resourceType: "event_type",
      resourceId: name,
      changes: changedFields(presentEventType(current), presentEventType(updated)),
    });
    return updated;
  });
  return presentEventType(eventType);
}

export async function deleteEventType(principal: Principal, name: string) {
  const current = await getEventTypeRecord(name);
  if (current.builtIn)
    throw new AppError("forbidden", `Event type '${name}' is built in and cannot be deleted`);
  const subscribers = await db.endpoint.count({ where: { eventTypes: { has: name } } });
  if (subscribers > 0) {
    throw new AppError(
      "conflict",
      `Event type '${name}' is still subscribed to by ${subscribers} endpoint${subscribers === 1 ? "" : "s"}; remove it from them first`,
    );
  }
  await db.$transaction(async (tx) => {
    await tx.eventType.delete({ where: { name } });
    await recordAudit(tx, principal, {
      action: "event_type.deleted",
      resourceType: "event_type",
      resourceId: name,
    });
  });
}

export async function knownEventTypeNames(): Promise<Set<string>> {
  const rows = await db.eventType.findMany({ select: { name: true } });
  return new Set(rows.map((row) => row.name));
}

/**
 * 422 naming eventTypes.<index> for every name missing from the catalog. `stillNamed` may accept a
 * name the catalog no longer has (Recover: a type deleted since still names its deliveries).
 */
export async function assertEventTypesKnown(
  eventTypes: string[],
  options: { stillNamed?: { test: (name: string) => Promise<boolean>; where: string } } = {},
): Promise<void> {
  const known = await knownEventTypeNames();
  const details: { field: string; issue: string }[] = [];
  for (const [index, name] of eventTypes.entries()) {
    if (known.has(name) || (await options.stillNamed?.test(name))) continue;
    const where = options.stillNamed ? `, nor ${options.stillNamed.where}` : "";
    details.push({
      field: `eventTypes.${index}`,
      issue: `'${name}' is not in the event type catalog${where}`,
    });
  }
  if (details.length)
    throw new AppError(
      "validation_failed",
      `Unknown event types: ${details.map((detail) => detail.issue).join("; ")}`,
      details,
    );
}

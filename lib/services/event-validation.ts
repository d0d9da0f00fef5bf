import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { db } from "../db";
import { AppError, type ErrorDetail } from "../errors";
import { logger } from "../logger";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "../validation/json";
import {
  countValues,
  MAX_SCHEMA_SIZE,
  MAX_VALIDATION_WORK,
  schemaSize,
  withBoundedUniqueItems,
} from "../validation/schema-cost";

// Incoming events checked against their custom event type's JSON Schema (ajv), on the web
// process's event loop: compiled schemas are cached per process, and the work one request may
// take is priced before any of it is done.

export type JsonSchema = Record<string, unknown>;

export function ajvFor(schema: JsonSchema): Ajv {
  const dialect = String(schema.$schema ?? "");
  // Stop at the first failure: the error list stays short, and a bound such as maxItems stops the
  // work before a costly keyword (uniqueItems) runs on the same value.
  const options = { allErrors: false, strict: false };
  const ajv = dialect.includes("2020-12")
    ? new Ajv2020(options)
    : dialect.includes("2019-09")
      ? new Ajv2019(options)
      : new Ajv(options);
  // ajv-formats ships CommonJS; its default export is the plugin function.
  (addFormats as unknown as (ajv: Ajv) => void)(ajv);
  return ajv;
}

/** A compiled schema and its size, which prices checking a value against it. */
type Validator = { validate: ValidateFunction; size: number };
type CachedValidator = { updatedAt: number; checkedAt: number; validator: Validator | null };
const validators = new Map<string, CachedValidator>();
const RECHECK_MS = 3000;

async function validatorFor(name: string): Promise<Validator | null> {
  const cached = validators.get(name);
  if (cached && Date.now() - cached.checkedAt < RECHECK_MS) return cached.validator;
  const row = await db.eventType.findUnique({
    where: { name },
    select: { schema: true, updatedAt: true },
  });
  const updatedAt = row?.updatedAt.getTime() ?? 0;
  let validator = cached && cached.updatedAt === updatedAt ? cached.validator : null;
  if (row?.schema && !validator) validator = compileStored(name, row.schema as JsonSchema);
  if (!row?.schema) validator = null;
  if (validators.size > 10_000) validators.clear();
  validators.set(name, { updatedAt, checkedAt: Date.now(), validator });
  return validator;
}

/**
 * Schemas were checked and compiled when saved; if one no longer compiles, or was saved before
 * Herald bounded what a schema may cost, intake must not fail (or stall) because of it: it is not
 * used, and the log says why. An unbounded uniqueItems gets its bound instead.
 */
function compileStored(name: string, schema: JsonSchema): Validator | null {
  const size = schemaSize(schema);
  if (size === "endless" || size > MAX_SCHEMA_SIZE) {
    logger.warn(
      { eventType: name },
      "stored JSON Schema is too costly to check (a $ref cycle or too many subschemas); events of this type are not validated until it is saved again",
    );
    return null;
  }
  try {
    const bounded = withBoundedUniqueItems(schema);
    return { validate: ajvFor(bounded).compile(bounded), size };
  } catch (error) {
    logger.warn(
      { eventType: name, err: error },
      "stored JSON Schema does not compile; events of this type are not validated",
    );
    return null;
  }
}

/**
 * The event's problems against its type's JSON Schema, or null. `data` is checked decoded: on the
 * wire it is a JSON string (Pusher's format), so a schema could otherwise say nothing about its
 * fields.
 */
export async function validateEventAgainstType(
  name: string,
  event: Record<string, unknown>,
): Promise<string[] | null> {
  const validator = await validatorFor(name);
  return validator ? problemsAgainst(validator, withDataDecoded(event)) : null;
}

/**
 * Every event checked against its type's schema, as `events.<i>` details. The work is priced
 * first (schema size × values checked) and refused past MAX_VALIDATION_WORK, so one request
 * cannot hold the event loop however its events are built.
 */
export async function eventSchemaIssues(
  events: { name: string; payload: Record<string, unknown> }[],
): Promise<ErrorDetail[]> {
  const checks: { index: number; validator: Validator; event: unknown }[] = [];
  let work = 0;
  for (const [index, { name, payload }] of events.entries()) {
    const validator = await validatorFor(name);
    if (!validator) continue;
    const event = withDataDecoded(payload);
    work += validator.size * countValues(event);
    checks.push({ index, validator, event });
  }
  if (work > MAX_VALIDATION_WORK)
    throw new AppError(
      "validation_failed",
      `Checking these events against their event types' JSON Schemas would take ${work} checks (schema size × values), more than the ${MAX_VALIDATION_WORK} one request may take: send fewer events per request, or simplify the schema`,
      [{ field: "events", issue: `would need more than ${MAX_VALIDATION_WORK} schema checks` }],
    );
  return checks.flatMap(({ index, validator, event }) =>
    (problemsAgainst(validator, event) ?? []).map((issue) => ({
      field: `events.${index}`,
      issue,
    })),
  );
}

function problemsAgainst(validator: Validator, event: unknown): string[] | null {
  if (validator.validate(event)) return null;
  return (validator.validate.errors ?? []).map((error) =>
    `${error.instancePath || "(event)"} ${error.message ?? "is invalid"}`.trim(),
  );
}

/**
 * `data` decoded from its JSON string. Text nested too deep to decode cheaply stays a string, so
 * the schema sees text where it may expect an object.
 */
function withDataDecoded(event: Record<string, unknown>): Record<string, unknown> {
  if (typeof event.data !== "string" || nestedDeeperThan(event.data, MAX_JSON_DEPTH)) return event;
  try {
    return { ...event, data: JSON.parse(event.data) as unknown };
  } catch {
    return event; // plain text data stays a string
  }
}

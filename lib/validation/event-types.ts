import { z } from "zod";
import { maxText } from "./common";

export const EVENT_TYPE_NAME = /^[a-z][a-z0-9_.:-]{0,99}$/;
/** Herald's own operational events; producers and custom types cannot use the prefix. */
export const RESERVED_EVENT_PREFIX = "herald.";
export const RESERVED_PREFIX_ISSUE = `is reserved for Herald's operational events (${RESERVED_EVENT_PREFIX}*)`;

const jsonSchemaObject = z
  .record(z.string(), z.unknown(), { error: "must be a JSON object" })
  .describe(
    "A JSON Schema (draft-07 by default; 2019-09 and 2020-12 by $schema) that events of this type must satisfy",
  );

export const createEventTypeSchema = z
  .object({
    name: z
      .string()
      .regex(
        EVENT_TYPE_NAME,
        "must start with a lowercase letter and use only a-z, 0-9, _ . : - (at most 100)",
      )
      .refine((name) => !name.startsWith(RESERVED_EVENT_PREFIX), RESERVED_PREFIX_ISSUE),
    description: maxText(1000).default(""),
    schema: jsonSchemaObject.nullable().optional(),
  })
  .strict()
  .meta({ id: "CreateEventType" });

export const updateEventTypeSchema = z
  .object({
    description: maxText(1000).optional(),
    schema: jsonSchemaObject
      .nullable()
      .optional()
      .describe("null removes the schema; built-in types cannot have one"),
  })
  .strict()
  .meta({ id: "UpdateEventType" });

export const eventTypeSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    schema: z.record(z.string(), z.unknown()).nullable(),
    builtIn: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "EventType" });

export type CreateEventTypeInput = z.infer<typeof createEventTypeSchema>;
export type UpdateEventTypeInput = z.infer<typeof updateEventTypeSchema>;

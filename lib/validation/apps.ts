import { z } from "zod";
import {
  batchingPatchSchema,
  batchingSchema,
  presenceGracePatchSchema,
  presenceGraceSchema,
  secretGraceSeconds,
  subscriptionCountThrottlePatchSchema,
  subscriptionCountThrottleSchema,
} from "./common";

const name = z.string().trim().min(1, "is required").max(200, "must be at most 200 characters");

const appId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
    "must be 1-64 letters, digits, '-' or '_' (like a Pusher app id)",
  );

/**
 * Every receiver gets bodies HMAC-signed with the app secret and can try to guess it offline, so a
 * short one is refused (Herald generates 32 hex characters). Import keeps shorter ones with a warning.
 */
export const MIN_APP_SECRET_LENGTH = 16;

const appSecret = z
  .string()
  .min(
    MIN_APP_SECRET_LENGTH,
    `must be at least ${MIN_APP_SECRET_LENGTH} characters: every receiver can try to guess it offline from signed bodies`,
  )
  .max(256);

export const createAppSchema = z
  .object({
    id: appId.optional(),
    name,
    key: z
      .string()
      .regex(/^[A-Za-z0-9_-]{4,128}$/, "must be 4-128 letters, digits, '-' or '_'")
      .optional(),
    secret: appSecret.optional(),
    enabled: z.boolean().default(true),
    batching: batchingSchema.optional(),
    presenceGrace: presenceGraceSchema
      .optional()
      .describe("Presence flap suppression; default off, 3000 ms"),
    subscriptionCountThrottle: subscriptionCountThrottleSchema
      .optional()
      .describe("subscription_count coalescing per channel; default off, 5000 ms"),
  })
  .strict()
  .meta({ id: "CreateApp" });

/**
 * An app as an imported config describes it: its secret already signs a realtime server's
 * webhooks, so a short one is kept (and reported) rather than breaking the migration.
 */
export const importedAppSchema = createAppSchema.extend({
  secret: z.string().min(4, "must be at least 4 characters").max(256).optional(),
});

export const updateAppSchema = z
  .object({
    name: name.optional(),
    enabled: z.boolean().optional(),
    batching: batchingPatchSchema.optional(),
    presenceGrace: presenceGracePatchSchema.optional(),
    subscriptionCountThrottle: subscriptionCountThrottlePatchSchema.optional(),
  })
  .strict()
  .meta({ id: "UpdateApp" });

export const rotateSecretSchema = z
  .object({
    graceSeconds: secretGraceSeconds(3600),
    secret: appSecret
      .optional()
      .describe(
        "The new secret, e.g. the one the realtime server now signs with; generated when absent",
      ),
  })
  .strict()
  .meta({ id: "RotateSecret" });

export const appSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    key: z.string(),
    secret: z.string().describe("Masked except in the responses to create and rotate-secret"),
    secretTooShort: z
      .boolean()
      .describe(
        `The secret is shorter than the ${MIN_APP_SECRET_LENGTH} characters new secrets need (kept as imported): rotate it`,
      ),
    enabled: z.boolean(),
    batching: batchingSchema,
    presenceGrace: presenceGraceSchema,
    subscriptionCountThrottle: subscriptionCountThrottleSchema,
    previousSecretExpiresAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "App" });

export type CreateAppInput = z.infer<typeof createAppSchema>;
export type UpdateAppInput = z.infer<typeof updateAppSchema>;

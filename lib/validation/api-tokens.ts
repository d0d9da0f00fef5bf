import { z } from "zod";
import { SCOPES } from "../auth/scopes";

export const createApiTokenSchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
    scopes: z
      .array(z.enum(SCOPES))
      .min(1, "must name at least one scope (read, write, ingest, metrics)"),
    appId: z.string().min(1).max(100).nullish(),
    // A token that has expired already could never be used: refuse it instead of creating it.
    expiresAt: z.iso
      .datetime({ message: "must be an ISO 8601 date-time" })
      .refine((value) => new Date(value).getTime() > Date.now(), "must be in the future")
      .nullish(),
  })
  .strict()
  .meta({ id: "CreateApiToken" });

export type CreateApiTokenInput = z.infer<typeof createApiTokenSchema>;

export const apiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.enum(SCOPES)),
    appId: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    token: z.string().optional().describe("The token itself; returned once, on create"),
  })
  .meta({ id: "ApiToken" });

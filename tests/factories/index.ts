import { randomBytes } from "node:crypto";
import { createApp } from "../../lib/services/apps";
import type { Principal } from "../../lib/auth/principal";
import type { CreateAppInput } from "../../lib/validation/apps";

// Shared by tests and prisma/seed.ts: every test makes its own data with unique ids.

export const systemPrincipal: Principal = {
  kind: "bootstrap",
  id: "bootstrap",
  scopes: new Set(["read", "write", "ingest"]),
  appId: null,
};

export const uniqueId = (prefix: string) => `${prefix}-${randomBytes(5).toString("hex")}`;

export async function makeApp(overrides: Partial<CreateAppInput> = {}) {
  return createApp(systemPrincipal, {
    id: uniqueId("app"),
    name: "Test app",
    enabled: true,
    ...overrides,
  });
}

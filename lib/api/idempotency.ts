import { NextResponse } from "next/server";
import { db } from "../db";
import { AppError } from "../errors";
import { decryptSecret, encryptSecret, sha256Hex } from "../crypto";
import type { Principal } from "../auth/types";

const MAX_KEY_LENGTH = 255;
/** responseStatus of a key whose first request is still running. */
const IN_PROGRESS = 0;

/**
 * Replays the stored response of a POST repeated with the same Idempotency-Key (per caller).
 * The key is reserved before the request runs, so concurrent repeats cannot both act. Stored
 * responses are encrypted: they can carry secrets shown on create (app secrets, tokens).
 */
export async function withIdempotency(
  req: Request,
  principal: Principal,
  rawBody: string,
  run: () => Promise<Response>,
): Promise<Response> {
  const key = req.headers.get("idempotency-key")!;
  if (key.length > MAX_KEY_LENGTH)
    throw new AppError(
      "bad_request",
      `Idempotency-Key is longer than ${MAX_KEY_LENGTH} characters`,
    );
  if (key.includes("\u0000"))
    throw new AppError("bad_request", "Idempotency-Key must not contain NUL characters");
  const path = new URL(req.url).pathname;
  const requestHash = sha256Hex(`${req.method} ${path}\n${rawBody}`);

  const reserved = await db.idempotencyKey.createMany({
    data: [
      {
        principal: principal.id,
        key,
        method: req.method,
        path,
        requestHash,
        responseStatus: IN_PROGRESS,
        responseBody: {},
      },
    ],
    skipDuplicates: true,
  });
  if (reserved.count === 0) return replay(principal.id, key, requestHash);

  let response: Response;
  try {
    response = await run();
  } catch (error) {
    await release(principal.id, key);
    throw error;
  }
  if (response.status >= 500) {
    await release(principal.id, key); // a failure the caller may retry with the same key
    return response;
  }
  const body = response.status === 204 ? null : await response.clone().text();
  await db.idempotencyKey.update({
    where: { principal_key: { principal: principal.id, key } },
    data: {
      responseStatus: response.status,
      responseBody: { encrypted: body === null ? null : encryptSecret(body) },
    },
  });
  return response;
}

async function replay(principal: string, key: string, requestHash: string): Promise<Response> {
  const stored = await db.idempotencyKey.findUnique({
    where: { principal_key: { principal, key } },
  });
  if (!stored)
    throw new AppError("conflict", "A request with this Idempotency-Key just failed; retry it");
  if (stored.requestHash !== requestHash) {
    throw new AppError(
      "conflict",
      "This Idempotency-Key was already used with a different request",
    );
  }
  if (stored.responseStatus === IN_PROGRESS) {
    throw new AppError(
      "conflict",
      "A request with this Idempotency-Key is still being processed; retry it shortly",
    );
  }
  const encrypted = (stored.responseBody as { encrypted?: string | null }).encrypted;
  const headers = { "idempotent-replayed": "true", "content-type": "application/json" };
  return new NextResponse(encrypted ? decryptSecret(encrypted) : null, {
    status: stored.responseStatus,
    headers,
  });
}

async function release(principal: string, key: string): Promise<void> {
  await db.idempotencyKey
    .deleteMany({ where: { principal, key, responseStatus: IN_PROGRESS } })
    .catch(() => undefined);
}

import { NextResponse } from "next/server";
import { db } from "../db";
import { AppError } from "../errors";
import { sha256Hex } from "../crypto";
import type { Principal } from "../auth/principal";

const MAX_KEY_LENGTH = 255;

/**
 * Replays the stored response of a POST repeated with the same Idempotency-Key (per caller).
 * The same key with a different request is a 409: the caller reused a key by mistake.
 */
export async function withIdempotency(
  req: Request,
  principal: Principal,
  rawBody: string,
  run: () => Promise<Response>,
): Promise<Response> {
  const key = req.headers.get("idempotency-key")!;
  if (key.length > MAX_KEY_LENGTH) throw new AppError("bad_request", `Idempotency-Key is longer than ${MAX_KEY_LENGTH} characters`);
  const path = new URL(req.url).pathname;
  const requestHash = sha256Hex(`${req.method} ${path}\n${rawBody}`);
  const stored = await db.idempotencyKey.findUnique({ where: { principal_key: { principal: principal.id, key } } });
  if (stored) {
    if (stored.requestHash !== requestHash) {
      throw new AppError("conflict", "This Idempotency-Key was already used with a different request");
    }
    return NextResponse.json(stored.responseBody, { status: stored.responseStatus, headers: { "idempotent-replayed": "true" } });
  }
  const response = await run();
  if (response.status < 500 && response.status !== 204) {
    const responseBody = await response.clone().json().catch(() => null);
    await db.idempotencyKey
      .create({
        data: { principal: principal.id, key, method: req.method, path, requestHash, responseStatus: response.status, responseBody: responseBody ?? {} },
      })
      .catch(() => undefined); // a concurrent request with the same key stored it first
  }
  return response;
}

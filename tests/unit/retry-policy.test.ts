import { describe, expect, it } from "vitest";
import {
  judge,
  nextState,
  retryDelaySeconds,
  type RetryPolicy,
  type Verdict,
} from "@/lib/engine/retry-policy";
import { retryAfterSeconds } from "@/lib/delivery/http";

describe("retry policy", () => {
  const result = (status: number | null, error: string | null = null) => ({
    status,
    headers: null,
    body: null,
    error,
    durationMs: 1,
  });

  it("classifies statuses", () => {
    expect(judge(result(204)).outcome).toBe("success");
    for (const status of [500, 503, 408, 409, 425, 429])
      expect(judge(result(status)).outcome).toBe("retry");
    expect(judge(result(null, "ECONNREFUSED")).outcome).toBe("retry");
    expect(judge(result(400))).toMatchObject({ outcome: "final", gone: false });
    expect(judge(result(410))).toMatchObject({ outcome: "final", gone: true });
    expect(judge(result(302)).outcome).toBe("final");
    expect(judge(result(200, "function error: Unhandled")).outcome).toBe("retry");
  });

  it("follows the schedule with +-20% jitter, honours Retry-After up to 1 h, and stops", () => {
    expect(retryDelaySeconds([10, 60], 1, null, () => 0)).toBe(8);
    expect(retryDelaySeconds([10, 60], 1, null, () => 1)).toBeCloseTo(12);
    expect(retryDelaySeconds([10, 60], 2, null, () => 0.5)).toBe(60);
    expect(retryDelaySeconds([10, 60], 3, null)).toBeNull();
    expect(retryDelaySeconds([1], 1, 30, () => 0.5)).toBe(30);
    expect(retryDelaySeconds([1], 1, 99_999, () => 0.5)).toBe(3600);
    expect(retryAfterSeconds("120")).toBe(120);
    expect(retryAfterSeconds(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThanOrEqual(
      59,
    );
    expect(retryAfterSeconds("soon")).toBeNull();
  });
});

describe("nextState", () => {
  const now = Date.parse("2026-12-06T12:00:00Z");
  // Jitter off: random() = 0.5 puts every delay exactly on its schedule entry.
  const noJitter = () => 0.5;
  const success: Verdict = { outcome: "success" };
  const retry: Verdict = { outcome: "retry", reason: "HTTP 503" };
  const final: Verdict = { outcome: "final", reason: "HTTP 400", gone: false };
  const gone: Verdict = { outcome: "final", reason: "HTTP 410 Gone", gone: true };
  const policy: RetryPolicy = { scheduleSeconds: [5, 30], maxAgeSeconds: 3600 };

  type Row = {
    case: string;
    verdict: Verdict;
    trigger: "auto" | "manual";
    attemptNumber?: number;
    /** Seconds between the delivery's creation and this attempt's outcome. */
    ageSeconds?: number;
    retryAfterSeconds?: number | null;
    policy?: RetryPolicy;
    random?: () => number;
    status: "succeeded" | "retrying" | "failed";
    /** Seconds from now to the next attempt, for a retry. */
    delaySeconds?: number;
    error: string | null;
  };

  const rows: Row[] = [
    // Every verdict x trigger, first attempt, schedule and age to spare.
    { case: "success, auto", verdict: success, trigger: "auto", status: "succeeded", error: null },
    {
      case: "success, manual",
      verdict: success,
      trigger: "manual",
      status: "succeeded",
      error: null,
    },
    {
      case: "retryable failure, auto: the schedule's first delay",
      verdict: retry,
      trigger: "auto",
      status: "retrying",
      delaySeconds: 5,
      error: "HTTP 503",
    },
    {
      case: "retryable failure, manual: a single try",
      verdict: retry,
      trigger: "manual",
      status: "failed",
      error: "HTTP 503",
    },
    {
      case: "final failure, auto",
      verdict: final,
      trigger: "auto",
      status: "failed",
      error: "HTTP 400",
    },
    {
      case: "final failure, manual",
      verdict: final,
      trigger: "manual",
      status: "failed",
      error: "HTTP 400",
    },
    {
      case: "410 Gone, auto",
      verdict: gone,
      trigger: "auto",
      status: "failed",
      error: "HTTP 410 Gone",
    },
    {
      case: "410 Gone, manual",
      verdict: gone,
      trigger: "manual",
      status: "failed",
      error: "HTTP 410 Gone",
    },
    // Schedule edges (attempts = delays + 1).
    {
      case: "the last delay of the schedule",
      verdict: retry,
      trigger: "auto",
      attemptNumber: 2,
      status: "retrying",
      delaySeconds: 30,
      error: "HTTP 503",
    },
    {
      case: "the schedule used up",
      verdict: retry,
      trigger: "auto",
      attemptNumber: 3,
      status: "failed",
      error: "gave up after 3 attempts; last: HTTP 503",
    },
    {
      case: "an empty schedule: one attempt only",
      verdict: retry,
      trigger: "auto",
      policy: { scheduleSeconds: [], maxAgeSeconds: 3600 },
      status: "failed",
      error: "gave up after 1 attempts; last: HTTP 503",
    },
    {
      case: "a manual retry past the schedule is still one try",
      verdict: retry,
      trigger: "manual",
      attemptNumber: 7,
      status: "failed",
      error: "HTTP 503",
    },
    {
      case: "success after the schedule is used up",
      verdict: success,
      trigger: "auto",
      attemptNumber: 3,
      status: "succeeded",
      error: null,
    },
    // Maximum age: the next attempt may be due exactly at it, not after.
    {
      case: "next attempt due exactly at the maximum age",
      verdict: retry,
      trigger: "auto",
      ageSeconds: 3595,
      status: "retrying",
      delaySeconds: 5,
      error: "HTTP 503",
    },
    {
      case: "next attempt due a second past the maximum age",
      verdict: retry,
      trigger: "auto",
      ageSeconds: 3596,
      status: "failed",
      error: "gave up: older than 3600 s; last: HTTP 503",
    },
    {
      case: "already older than the maximum age",
      verdict: retry,
      trigger: "auto",
      ageSeconds: 7200,
      status: "failed",
      error: "gave up: older than 3600 s; last: HTTP 503",
    },
    {
      case: "a final failure older than the maximum age keeps its own reason",
      verdict: final,
      trigger: "auto",
      ageSeconds: 7200,
      status: "failed",
      error: "HTTP 400",
    },
    // Retry-After and jitter.
    {
      case: "a Retry-After longer than the delay wins",
      verdict: retry,
      trigger: "auto",
      retryAfterSeconds: 60,
      status: "retrying",
      delaySeconds: 60,
      error: "HTTP 503",
    },
    {
      case: "a Retry-After shorter than the delay is ignored",
      verdict: retry,
      trigger: "auto",
      retryAfterSeconds: 1,
      status: "retrying",
      delaySeconds: 5,
      error: "HTTP 503",
    },
    {
      case: "a Retry-After is capped at an hour",
      verdict: retry,
      trigger: "auto",
      retryAfterSeconds: 99_999,
      policy: { scheduleSeconds: [5], maxAgeSeconds: 86_400 },
      status: "retrying",
      delaySeconds: 3600,
      error: "HTTP 503",
    },
    {
      case: "a Retry-After that passes the maximum age ends the delivery",
      verdict: retry,
      trigger: "auto",
      ageSeconds: 10,
      retryAfterSeconds: 3600,
      status: "failed",
      error: "gave up: older than 3600 s; last: HTTP 503",
    },
    {
      case: "a Retry-After does not extend a used-up schedule",
      verdict: retry,
      trigger: "auto",
      attemptNumber: 3,
      retryAfterSeconds: 10,
      status: "failed",
      error: "gave up after 3 attempts; last: HTTP 503",
    },
    {
      case: "jitter low end: 80 % of the delay",
      verdict: retry,
      trigger: "auto",
      attemptNumber: 2,
      random: () => 0,
      status: "retrying",
      delaySeconds: 24,
      error: "HTTP 503",
    },
    {
      case: "jitter high end: 120 % of the delay, and it counts toward the maximum age",
      verdict: retry,
      trigger: "auto",
      attemptNumber: 2,
      ageSeconds: 3600 - 35,
      random: () => 1,
      status: "failed",
      error: "gave up: older than 3600 s; last: HTTP 503",
    },
  ];

  it.each(rows)("$case", (row) => {
    const attempt = {
      attemptNumber: row.attemptNumber ?? 1,
      trigger: row.trigger,
      createdAt: new Date(now - (row.ageSeconds ?? 0) * 1000),
    };
    const state = nextState(
      attempt,
      row.verdict,
      row.retryAfterSeconds,
      row.policy ?? policy,
      now,
      row.random ?? noJitter,
    );
    expect(state).toEqual({
      status: row.status,
      nextAttemptAt:
        row.delaySeconds === undefined ? null : new Date(now + row.delaySeconds * 1000),
      error: row.error,
    });
  });

  it("covers every verdict with both triggers", () => {
    const covered = new Set(rows.map((row) => `${JSON.stringify(row.verdict)}|${row.trigger}`));
    for (const verdict of [success, retry, final, gone])
      for (const trigger of ["auto", "manual"])
        expect(covered, `${verdict.outcome} ${trigger}`).toContain(
          `${JSON.stringify(verdict)}|${trigger}`,
        );
  });
});

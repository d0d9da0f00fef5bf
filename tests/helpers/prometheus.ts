import { NextRequest } from "next/server";
import * as metricsRoute from "@/app/api/metrics/route";
import { BOOTSTRAP_TOKEN } from "./api";

// Reads samples out of the Prometheus text format, the way a scraper sees them.

/**
 * The value of the sample `name` whose labels include `labels`; undefined when there is none, so
 * that a series that should read 0 cannot pass by being absent.
 */
export function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [
        pair[1]!,
        pair[2]!,
      ]),
    );
    if (Object.entries(labels).every(([key, value]) => present[key] === value))
      return Number(match[3]);
  }
  return undefined;
}

/** GET /api/metrics through its route handler, as Next runs it: the status and the text. */
export async function getWebMetrics(token: string | null = BOOTSTRAP_TOKEN) {
  const headers = new Headers(token ? { authorization: `Bearer ${token}` } : {});
  const req = new NextRequest("http://localhost:3000/api/metrics", { headers });
  const res = await metricsRoute.GET(req, { params: Promise.resolve({}) });
  return {
    status: res.status,
    text: await res.text(),
    contentType: res.headers.get("content-type"),
  };
}

export async function scrapeWeb(): Promise<string> {
  const res = await getWebMetrics();
  if (res.status !== 200) throw new Error(`GET /api/metrics answered ${res.status}: ${res.text}`);
  return res.text;
}

export async function scrapeWorker(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!res.ok) throw new Error(`worker metrics answered ${res.status}`);
  return res.text();
}

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

const formatter = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/**
 * "3 minutes ago". A past event (saved, created, sent) is never shown in the future: the page's
 * clock may lag the server's, or its last tick, by seconds. Only times meant to be ahead (expiry,
 * next attempt) pass `future`.
 */
export function relativeTime(date: Date, now: number, options: { future?: boolean } = {}): string {
  const raw = Math.round((date.getTime() - now) / 1000);
  const seconds = options.future ? raw : Math.min(0, raw);
  if (Math.abs(seconds) < 5) return "just now";
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === "second")
      return formatter.format(Math.round(seconds / size), unit);
  }
  return date.toISOString();
}

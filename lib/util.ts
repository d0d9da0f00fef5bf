// Small generic helpers shared by the engine and the services.

export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += Math.max(size, 1))
    chunks.push(items.slice(index, index + size));
  return chunks;
}

/** Orders bigint sequence numbers carried as decimal strings (event seq), without BigInt. */
export const compareSeq = (a: string, b: string) =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;

/**
 * The smallest UUID of the millisecond `date`. UUID v7 ids (every delivery's) start with their
 * time, so a time range is an id range: the log reads (app_id, id) newest first and stops at the
 * page's end, retention walks the primary key from its start.
 */
export function uuidAtTime(date: Date): string {
  const ms = Math.min(Math.max(date.getTime(), 0), 2 ** 48 - 1);
  const hex = ms.toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

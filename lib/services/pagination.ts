import { AppError } from "../errors";

export type PageRequest = { limit: number; cursor?: string };
export type Page<T> = { data: T[]; nextCursor: string | null };

/** Opaque cursors: the base64url of the last row's key (id, name or seq). */
export function encodeCursor(value: string): string {
  return Buffer.from(value, "utf8").toString("base64url");
}

/** The key inside a cursor we issued; `isKey` checks its shape (e.g. a UUID) for each list. */
export function decodeCursor(
  cursor: string | undefined,
  isKey: (key: string) => boolean = () => true,
): string | undefined {
  if (!cursor) return undefined;
  const key = Buffer.from(cursor, "base64url").toString("utf8");
  // A cursor we issued round-trips exactly; anything else is not ours.
  const ours =
    key &&
    key.length <= 200 &&
    encodeCursor(key) === cursor &&
    !key.includes("\u0000") &&
    isKey(key);
  if (!ours)
    throw new AppError("bad_request", "cursor is not a valid cursor from a previous page", [
      { field: "cursor", issue: "not a cursor from a previous page" },
    ]);
  return key;
}

/** Prisma args for one page: one extra row tells whether there is a next page. */
export function pageArgs(page: PageRequest) {
  const id = decodeCursor(page.cursor);
  return { take: page.limit + 1, ...(id ? { cursor: { id }, skip: 1 } : {}) };
}

export function toPage<Row extends { id: string }, T>(
  rows: Row[],
  page: PageRequest,
  present: (row: Row) => T,
): Page<T> {
  const hasMore = rows.length > page.limit;
  const pageRows = hasMore ? rows.slice(0, page.limit) : rows;
  const last = pageRows.at(-1);
  return {
    data: pageRows.map(present),
    nextCursor: hasMore && last ? encodeCursor(last.id) : null,
  };
}

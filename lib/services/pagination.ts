import { AppError } from "../errors";

export type PageRequest = { limit: number; cursor?: string };
export type Page<T> = { data: T[]; nextCursor: string | null };

/** Opaque cursors: the base64url of the last row's id. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  // A cursor we issued round-trips exactly; anything else is not ours.
  if (!id || id.length > 200 || Buffer.from(id, "utf8").toString("base64url") !== cursor || id.includes("\u0000")) throw new AppError("bad_request", "cursor is not a valid cursor from a previous page");
  return id;
}

/** Prisma args for one page: one extra row tells whether there is a next page. */
export function pageArgs(page: PageRequest) {
  const id = decodeCursor(page.cursor);
  return { take: page.limit + 1, ...(id ? { cursor: { id }, skip: 1 } : {}) };
}

export function toPage<Row extends { id: string }, T>(rows: Row[], page: PageRequest, present: (row: Row) => T): Page<T> {
  const hasMore = rows.length > page.limit;
  const pageRows = hasMore ? rows.slice(0, page.limit) : rows;
  const last = pageRows.at(-1);
  return {
    data: pageRows.map(present),
    nextCursor: hasMore && last ? Buffer.from(last.id, "utf8").toString("base64url") : null,
  };
}

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

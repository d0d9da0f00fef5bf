/**
 * The URL query a page's next `router.replace` should build on. Next's router commits a replace
 * some time after it is asked for, so two updates in quick succession (a debounced filter landing
 * just after a click on a row) would both start from the same old URL, and the second would undo
 * the first. Each update is built on the last one asked for until the router has caught up.
 */
export class QueryUpdates {
  /** Queries asked for and not yet seen in the URL, oldest first. */
  private pending: string[] = [];

  /** The URL's query changed (our update committed, or the user navigated). */
  committed(current: string): void {
    const index = this.pending.indexOf(current);
    this.pending = index >= 0 ? this.pending.slice(index + 1) : [];
  }

  /** The next query: `changes` applied to the last one asked for, or to the URL's. */
  next(current: string, changes: Record<string, string | null | undefined>): string {
    const params = new URLSearchParams(this.pending.at(-1) ?? current);
    for (const [name, value] of Object.entries(changes)) {
      if (value) params.set(name, value);
      else params.delete(name);
    }
    const query = params.toString();
    this.pending.push(query);
    return query;
  }
}

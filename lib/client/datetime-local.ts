// An instant <-> the value of an <input type="datetime-local">, which has no time zone: the
// browser's is meant.

/** The input's value for an instant (an ISO string or a Date); "" for none. */
export function toLocalInput(instant: string | Date | undefined): string {
  if (!instant) return "";
  const date = new Date(instant);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** The ISO instant an input's value stands for; null for an empty input. */
export function fromLocalInput(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

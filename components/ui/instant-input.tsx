import { fromLocalInput, toLocalInput } from "@/lib/client/datetime-local";
import { Input } from "./input";

/** A datetime-local input in the browser's zone that holds an ISO instant (or none). */
export function InstantInput({
  value,
  onChange,
  ...props
}: {
  value: string | undefined;
  onChange: (instant: string | null) => void;
  "aria-label": string;
  className?: string;
}) {
  return (
    <Input
      type="datetime-local"
      value={toLocalInput(value)}
      onChange={(event) => onChange(fromLocalInput(event.target.value))}
      {...props}
    />
  );
}

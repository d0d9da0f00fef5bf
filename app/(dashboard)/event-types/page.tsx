import { EventTypesPage } from "@/components/catalog/event-types-page";

export const metadata = { title: "Event types" };

export default function Page() {
  return <EventTypesPage />;
}

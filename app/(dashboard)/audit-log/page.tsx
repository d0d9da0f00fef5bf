import { AuditLogPage } from "@/components/catalog/audit-log-page";

export const metadata = { title: "Audit log" };

export default function Page() {
  return <AuditLogPage />;
}

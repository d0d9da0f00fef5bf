import { ApiTokensPage } from "@/components/catalog/api-tokens-page";

export const metadata = { title: "API tokens" };

export default function Page() {
  return <ApiTokensPage />;
}

import { ApiTokensPage } from "@/components/catalog/api-tokens-page";
import { env } from "@/lib/env";
import { maskSecret } from "@/lib/mask";

export const metadata = { title: "API tokens" };

export default function Page() {
  // Listed so operators know it is in use; never its value, only the masked hint.
  const bootstrap = env.HERALD_API_TOKEN ? { hint: maskSecret(env.HERALD_API_TOKEN) } : null;
  return <ApiTokensPage bootstrap={bootstrap} />;
}

import { authOptions } from "@/lib/auth/options";
import { CLIENT_ADDRESS_HEADER } from "@/lib/auth/client-address";

// Run by tests/integration/sign-in-redis-down.test.ts in a child process whose REDIS_URL points at
// a closed port: signs in as argv[2] describes (JSON [{password, address}]) and prints each outcome.

type Attempt = { password: string; address: string };
type Authorize = (
  credentials: Record<string, string>,
  req: { headers: Record<string, string> },
) => Promise<unknown>;

const provider = authOptions.providers[0] as unknown as { options: { authorize: Authorize } };
const attempts = JSON.parse(process.argv[2] ?? "[]") as Attempt[];
const outcomes: string[] = [];
for (const { password, address } of attempts) {
  try {
    const user = await provider.options.authorize(
      { email: process.env.HERALD_ADMIN_EMAIL!, password },
      { headers: { [CLIENT_ADDRESS_HEADER]: address } },
    );
    outcomes.push(user ? "signed in" : "wrong password");
  } catch (error) {
    outcomes.push(`refused: ${(error as Error).message}`);
  }
}
process.stdout.write(`\nRESULT ${JSON.stringify(outcomes)}\n`);
process.exit(0);

import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/options";

export default async function HomePage() {
  const session = await getServerSession(authOptions);
  return (
    <main className="mx-auto max-w-4xl px-6 py-12">
      <h1 className="text-2xl font-semibold">Herald</h1>
      <p className="mt-2 text-slate-600">Signed in as {session?.user?.email}.</p>
    </main>
  );
}

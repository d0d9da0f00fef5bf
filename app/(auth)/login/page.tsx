import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { authOptions } from "@/lib/auth/options";
import { LoginForm } from "@/components/auth/login-form";
import { pathOnThisSite } from "@/lib/auth/callback-url";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string | string[]; error?: string | string[] }>;
}) {
  const { callbackUrl, error } = await searchParams;
  // A session without a user (signed in with credentials that have since changed) is no session.
  if ((await getServerSession(authOptions))?.user?.email) redirect(pathOnThisSite(callbackUrl));
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <div className="mx-auto mb-3 flex h-11 w-11 items-center justify-center rounded-xl bg-indigo-600 text-lg font-bold text-white">
            H
          </div>
          <h1 className="text-2xl font-semibold tracking-tight">Sign in to Herald</h1>
          <p className="mt-1 text-sm text-slate-500">Webhooks for your realtime apps</p>
        </div>
        <LoginForm
          callbackUrl={pathOnThisSite(callbackUrl)}
          initialError={error ? "Wrong email or password." : undefined}
        />
      </div>
    </main>
  );
}

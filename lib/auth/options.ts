import { createHmac } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { env } from "../env";
import { safeEqual } from "../crypto";
import { clientAddress } from "./client-address";
import { clearLoginAttempts, countLoginAttempt } from "./login-throttle";

// The dashboard's login: the bootstrap admin from HERALD_ADMIN_EMAIL / HERALD_ADMIN_PASSWORD,
// with a JWT session (no session table to keep).

/**
 * Which admin credentials a session was signed in with (a keyed hash, so the token carries nothing
 * of the password): a session from before the email or password changed is no longer one.
 */
function credentialsFingerprint(): string {
  return createHmac("sha256", env.NEXTAUTH_SECRET ?? "")
    .update(`${env.HERALD_ADMIN_EMAIL ?? ""}\0${env.HERALD_ADMIN_PASSWORD ?? ""}`)
    .digest("base64url")
    .slice(0, 22);
}

const SESSION_SECONDS = 12 * 60 * 60;

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_SECONDS },
  // The token's own expiry too (next-auth's default is 30 days whatever the session's is).
  jwt: { maxAge: SESSION_SECONDS },
  callbacks: {
    jwt({ token, user }) {
      if (user) return { ...token, credentials: credentialsFingerprint() };
      return token.credentials === credentialsFingerprint() ? token : {};
    },
    // next-auth fills session.user from the token as it arrived, before jwt() ran: a token jwt()
    // emptied must not keep its user. Without one, pages send to /login and the API answers 401.
    session({ session, token }) {
      return token.credentials === credentialsFingerprint()
        ? session
        : { expires: session.expires };
    },
  },
  pages: { signIn: "/login" },
  get secret() {
    return env.NEXTAUTH_SECRET;
  },
  providers: [
    CredentialsProvider({
      name: "Herald",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials, req) {
        const email = credentials?.email?.trim().toLowerCase() ?? "";
        const password = credentials?.password ?? "";
        const adminEmail = env.HERALD_ADMIN_EMAIL?.toLowerCase();
        const adminPassword = env.HERALD_ADMIN_PASSWORD;
        if (!adminEmail || !adminPassword) return null;
        const address = clientAddress(req.headers);
        // Thrown, its message reaches the sign-in form (a null return reads "CredentialsSignin").
        await countLoginAttempt(email, address);
        if (!safeEqual(email, adminEmail) || !safeEqual(password, adminPassword)) return null;
        await clearLoginAttempts(email, address);
        return { id: "admin", email: adminEmail, name: "Admin" };
      },
    }),
  ],
};

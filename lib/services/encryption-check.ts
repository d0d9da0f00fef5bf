import { db, disconnectDb } from "../db";
import { decryptSecret } from "../crypto";

/**
 * Refuses to start against a database whose secrets were encrypted with another
 * HERALD_ENCRYPTION_KEY: every signature would fail, so say so at once instead.
 */
export async function assertEncryptionKeyMatches(): Promise<void> {
  try {
    const app = await db.app.findFirst({ select: { id: true, secretEncrypted: true } });
    if (!app) return;
    try {
      decryptSecret(app.secretEncrypted);
    } catch {
      throw new Error(
        `HERALD_ENCRYPTION_KEY cannot decrypt the secrets stored in DATABASE_URL (app '${app.id}'): use the key this database was created with, or another database`,
      );
    }
  } finally {
    await disconnectDb();
  }
}

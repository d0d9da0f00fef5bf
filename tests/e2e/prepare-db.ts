import { prepareDatabase } from "../../lib/migrations";

// Run before the e2e web server and worker start (Playwright starts webServer before
// globalSetup): creates and migrates the e2e database; safe to run twice at once.
await prepareDatabase(process.env.DATABASE_URL!);

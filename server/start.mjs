// Production start of the web process: (re)build the server bundle, then run it in this same
// process (so signals reach it). Needs a `next build` (.next/). `node server/start.mjs`.
import { createRequire } from "node:module";
import { buildServer } from "./build.mjs";

createRequire(import.meta.url)(buildServer());

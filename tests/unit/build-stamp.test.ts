import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildIsCurrent, sourcesFingerprint } from "../../scripts/build";

// `npm start` rebuilds when the sources changed since the build in .next (scripts/build.ts).
describe("build stamp", () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  const stamp = () => write(".next/herald-sources.sha256", `${sourcesFingerprint(root)}\n`);

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "herald-build-"));
    write("app/page.tsx", "export default function Page() {}");
    write("lib/services/apps.ts", "export const apps = 1;");
    write("lib/generated/prisma/client.ts", "generated");
    write("package-lock.json", "{}");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("is stale without a build, and current once stamped", () => {
    expect(buildIsCurrent(root)).toBe(false);
    write(".next/BUILD_ID", "abc");
    expect(buildIsCurrent(root)).toBe(false); // built by hand with `next build`: no stamp
    stamp();
    expect(buildIsCurrent(root)).toBe(true);
  });

  it("goes stale when a source, a new file or the lock file changes", () => {
    write(".next/BUILD_ID", "abc");
    for (const [file, text] of [
      ["app/page.tsx", "export default function Page() { return null; }"],
      ["components/new.tsx", "x"],
      ["package-lock.json", '{"v":2}'],
    ]) {
      stamp();
      write(file!, text!);
      expect(buildIsCurrent(root), file).toBe(false);
    }
  });

  it("ignores the generated Prisma client and files outside the build inputs", () => {
    write(".next/BUILD_ID", "abc");
    stamp();
    write("lib/generated/prisma/client.ts", "regenerated");
    write("tests/unit/x.test.ts", "new test");
    write("worker/index.ts", "worker code");
    expect(buildIsCurrent(root)).toBe(true);
  });
});

// Soketi requires "uWebSockets.js", which it pins to a GitHub tarball. uws-pack republishes the
// same uWebSockets.js v20 binaries on the npm registry, but only as ESM with no subpath exports,
// so load its binary for this platform and Node ABI by path from the nearest node_modules.
const fs = require("node:fs");
const path = require("node:path");

const binary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
const directory = module.paths
  .map((nodeModules) => path.join(nodeModules, "uws-pack", "dist", "bin"))
  .find((candidate) => fs.existsSync(candidate));
if (!directory) throw new Error("uws-pack is not installed (npm install)");
if (!fs.existsSync(path.join(directory, binary)))
  throw new Error(
    `uws-pack has no ${binary}: it ships uWebSockets.js for Node 18 to 22 (Linux, macOS, Windows)`,
  );
module.exports = require(path.join(directory, binary));

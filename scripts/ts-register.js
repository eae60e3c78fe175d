/**
 * Lets a child `node` process run the TypeScript sources directly (node -r ./ts-register.js file.ts): each .ts file
 * is transpiled on require with esbuild, keeping its own path, so __dirname-relative lookups work as in jest.
 */
const fs = require("node:fs");
const { transformSync } = require("esbuild");

require.extensions[".ts"] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, "utf8"), { loader: "ts", format: "cjs", target: "node20", sourcefile: filename });
  module._compile(code, filename);
};

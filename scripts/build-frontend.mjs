// Bundles the settings page: frontend/src/index.tsx -> dist/frontend/settings.js (+ settings.css).
// Prints one line on success; prints esbuild's messages and exits non-zero on any error.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "dist/frontend");

// Atlaskit ships Compiled atomic CSS as one `*.compiled.css` file per component, each sorted on its own.
// Compiled needs the whole sheet sorted (what its own bundler plugins do): rules without pseudo-classes
// first, then :link < :visited < :focus-within < :focus < :focus-visible < :hover < :active, at-rules
// last, and shorthands before their longhands, so `padding` never overrides a later `padding-top`.
const PSEUDO_ORDER = ["link", "visited", "focus-within", "focus", "focus-visible", "hover", "active"];
const PSEUDO = /:(link|visited|focus-within|focus-visible|focus|hover|active)(?![\w-])/g;
// Shorthands that do not follow the "fewer dashes = wider" naming rule used below.
const DEPTH_OVERRIDES = { all: -1, inset: 0, "place-content": 1, "place-items": 1, "place-self": 1, gap: 1 };

/** Splits a stylesheet into top-level rules and at-rule blocks (comments were removed by minify). */
function topLevelBlocks(css) {
  const blocks = [];
  let depth = 0;
  let quote = null;
  let start = 0;
  for (let i = 0; i < css.length; i++) {
    const c = css[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) {
      blocks.push(css.slice(start, i + 1).trim());
      start = i + 1;
    } else if (c === ";" && depth === 0) {
      blocks.push(css.slice(start, i + 1).trim()); // @charset / @import
      start = i + 1;
    }
  }
  const rest = css.slice(start).trim();
  if (rest !== "") blocks.push(rest);
  return blocks.filter((b) => b !== "");
}

function shorthandDepth(block) {
  const decls = block.slice(block.indexOf("{") + 1, -1).split(";").filter(Boolean);
  const prop = (decls.at(-1) ?? "").split(":")[0].trim().replace(/^-(webkit|moz|ms)-/, "");
  return DEPTH_OVERRIDES[prop] ?? prop.split("-").length;
}

/** Sort key: [group, shorthand depth]. Non-atomic rules (css-reset) keep their place before all atomic ones. */
function sortKey(block) {
  if (block.startsWith("@import") || block.startsWith("@charset")) return [-2, 0];
  if (block.startsWith("@")) {
    // Conditional blocks of atomic rules go last; others (css-reset's, @keyframes, @font-face) keep their place.
    const atomic = /^@(media|supports)/.test(block) && block.slice(block.indexOf("{") + 1).startsWith("._");
    return [atomic ? 100 : -1, 0];
  }
  const selector = block.slice(0, block.indexOf("{"));
  if (!selector.startsWith("._")) return [-1, 0];
  const pseudo = Math.max(0, ...[...selector.matchAll(PSEUDO)].map((m) => PSEUDO_ORDER.indexOf(m[1]) + 1));
  return [pseudo, shorthandDepth(block)];
}

function sortCompiledCss(css) {
  const keyed = topLevelBlocks(css).map((block, index) => ({ block, index, key: sortKey(block) }));
  keyed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.index - b.index);
  return keyed.map((k) => k.block).join("\n") + "\n";
}

const started = performance.now();
let result;
try {
  result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { settings: "frontend/src/index.tsx" },
    outdir,
    bundle: true,
    minify: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    legalComments: "none",
    logLevel: "silent", // messages are printed below, errors only
    write: false,
  });
} catch (err) {
  const messages = err.errors ?? [{ text: String(err) }];
  const formatted = await esbuild.formatMessages(messages, { kind: "error", color: process.stderr.isTTY });
  process.stderr.write(formatted.join(""));
  process.exit(1);
}

// Warnings from third-party packages are theirs to fix; ours are shown.
const own = result.warnings.filter((w) => !w.location?.file.includes("node_modules/"));
if (own.length > 0) {
  const formatted = await esbuild.formatMessages(own, { kind: "warning", color: process.stderr.isTTY });
  process.stderr.write(formatted.join(""));
}

await mkdir(outdir, { recursive: true });
const sizes = [];
for (const file of result.outputFiles) {
  const text = file.path.endsWith(".css") ? sortCompiledCss(file.text) : file.contents;
  await writeFile(file.path, text);
  sizes.push(`${path.basename(file.path)} ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB`);
}
const ms = Math.round(performance.now() - started);
console.log(`frontend: ${sizes.join(", ")} in dist/frontend (${ms} ms)`);

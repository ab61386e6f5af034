// Builds the chat page's bundle (web/dist/app.js) with esbuild: the page's
// TypeScript, the generated types it imports and the official
// socket.io-client from node_modules. The bundle is committed, so that
// `go run ./examples/chat` serves the page without Node; rebuild it after
// changing web/src or the generated TypeScript (TestBundleUpToDate fails
// until you do). Run from anywhere, after `npm ci` at the repository root:
//
//	node examples/chat/web/build.mjs              # once: web/dist/app.js
//	node examples/chat/web/build.mjs --watch      # rebuild on change, with a source map
//	node examples/chat/web/build.mjs --out FILE   # build into FILE instead
//
// The build is deterministic: the same sources and node_modules give the
// same bytes, on any machine and from any working directory.
import * as esbuild from "esbuild";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..", "..");
const outfile = path.join(here, "dist", "app.js");
const options = {
  entryPoints: [path.join(here, "src", "main.ts")],
  absWorkingDir: root,
  bundle: true,
  format: "esm",
  target: ["es2020"],
  platform: "browser",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
};

// banner names the page and the third-party packages bundled into it,
// with their versions and licenses.
function banner(metafile) {
  const pkgs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = input.match(/(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (m) pkgs.add(m[1]);
  }
  const lines = [...pkgs].sort().map((name) => {
    const pj = JSON.parse(readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8"));
    return ` *   ${name}@${pj.version} (${pj.license})`;
  });
  return [
    "/*! siogen chat page: examples/chat/web/src, built by examples/chat/web/build.mjs.",
    " * It bundles these packages, under their licenses:",
    ...lines,
    " */",
    "",
  ].join("\n");
}

const args = process.argv.slice(2);
if (args.includes("--watch")) {
  const ctx = await esbuild.context({ ...options, outfile, sourcemap: true });
  await ctx.watch();
  console.log("chat: watching web/src for changes");
} else {
  const i = args.indexOf("--out");
  const out = i >= 0 ? path.resolve(args[i + 1] ?? "") : outfile;
  const result = await esbuild.build({ ...options, outfile: out, write: false, metafile: true });
  const code = banner(result.metafile) + result.outputFiles[0].text;
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, code);
  console.log(`chat: built ${path.relative(process.cwd(), out)} (${Math.round(code.length / 1024)} KB)`);
}

// Builds the chat page's bundle (web/dist/app.js) with esbuild: the page's
// TypeScript, the generated types it imports and the official
// socket.io-client from node_modules. Run from anywhere, after `npm ci` at
// the repository root:
//
//	node examples/chat/web/build.mjs            # once
//	node examples/chat/web/build.mjs --watch    # rebuild on change
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const options = {
  entryPoints: [path.join(here, "src", "main.ts")],
  outfile: path.join(here, "dist", "app.js"),
  bundle: true,
  format: "esm",
  target: ["es2020"],
  platform: "browser",
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
};

if (process.argv.includes("--watch")) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log("chat: watching web/src for changes");
} else {
  const result = await esbuild.build({ ...options, metafile: true });
  const out = result.metafile.outputs;
  const bytes = Object.entries(out).find(([f]) => f.endsWith("app.js"))?.[1].bytes ?? 0;
  console.log(`chat: built ${path.relative(process.cwd(), options.outfile)} (${Math.round(bytes / 1024)} KB)`);
}

// Bundle the widget into static files (no CDN at run time): ../../var/web/ by default, or argv[2].
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";

const out = resolve(process.argv[2] || "../../var/web");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ["src/widget.js", "src/widget.css"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019", "chrome80", "firefox78", "safari13"],
  outdir: out,
  legalComments: "linked",
  logLevel: "warning",
});
for (const file of ["index.html", "page.css"]) copyFileSync(resolve("public", file), resolve(out, file));
console.log(`web chat built into ${out}`);

// Build the plotly.js bundle the pages load: plotly.js's core (which carries the scatter trace:
// the team page's trend and metric charts) and the scatterpolar trace (the compare page's
// radars), nothing else. The full distribution weighs 4.9 MB (1.46 MB gzipped); this one about a
// quarter of that. Run by `npm run build:plotly` (the Makefile's assets target, after `npm ci`).
//
// A trace type the app starts drawing must be added to TRACES, or plotly.js draws nothing and
// logs "Trace type ... is not registered" (tests/test_plotly_bundle.py checks the list).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const TRACES = ["scatterpolar"];
// Inside node_modules: built from it, ignored by git, and removed with it (`make clean`, npm ci).
const outdir = path.join(root, "node_modules", ".cache", "plotly-custom");
const outfile = path.join(outdir, "plotly-custom.min.js");

const entry = [
  'var Plotly = require("plotly.js/lib/core");',
  `Plotly.register([${TRACES.map((t) => `require("plotly.js/lib/${t}")`).join(", ")}]);`,
  "module.exports = Plotly;",
].join("\n");

// registry.js imports maplibre-gl's stylesheet for map traces, which this bundle has none of:
// without this esbuild writes a 64 KB CSS file beside the bundle that no page would load.
const noStylesheets = {
  name: "no-stylesheets",
  setup(build) {
    build.onResolve({ filter: /\.css$/ }, (args) => ({ path: args.path, namespace: "no-css" }));
    build.onLoad({ filter: /.*/, namespace: "no-css" }, () => ({ contents: "", loader: "js" }));
  },
};

mkdirSync(outdir, { recursive: true });
const result = await esbuild.build({
  stdin: { contents: entry, resolveDir: root, sourcefile: "plotly-custom.js", loader: "js" },
  outfile,
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "Plotly",
  // As plotly.js's own esbuild-config.js: its modules expect a `global` and no AMD loader.
  define: { global: "window", "define.amd": "false" },
  target: "es2017",
  legalComments: "eof",
  plugins: [noStylesheets],
  metafile: true,
  logLevel: "warning",
});
const bytes = result.metafile.outputs[path.relative(root, outfile)]?.bytes;
console.log(`plotly.js (core + ${TRACES.join(", ")}): ${path.relative(root, outfile)}, ${bytes} bytes`);

// The size a page pays for the SDK: clients/js/dist bundled and minified with esbuild (protobufjs
// left out: it is loaded on its own, and only in protobuf mode), then gzip -9. Prints both.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { REPO_ROOT } from "./support/stratus.mjs";

const js = join(REPO_ROOT, "clients/js");
const out = await build({
  entryPoints: [join(js, "dist/index.js")],
  bundle: true, minify: true, format: "esm", platform: "browser", write: false,
  external: ["protobufjs"],
});
const sdk = out.outputFiles[0].contents;
const pb = readFileSync(join(js, "node_modules/protobufjs/dist/protobuf.min.js"));
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const gz = (b) => gzipSync(b, { level: 9 }).length;
console.log(`SDK (dist/index.js bundled + minified): ${kb(sdk.length)}, gzip -9 ${kb(gz(sdk))}`);
console.log(`protobufjs dist/protobuf.min.js (protobuf mode only): ${kb(pb.length)}, gzip -9 ${kb(gz(pb))}`);

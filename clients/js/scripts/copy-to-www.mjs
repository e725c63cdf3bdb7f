// Copies what the browser demo (www/) loads but does not keep in git: the SDK's compiled ES
// modules (dist/*.js -> www/sdk/), protobufjs's browser build (-> www/vendor/) and the protocol
// schemas (proto/ -> www/proto/). Run after `npm run build`; CMake's www_assets target does both.
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const js = join(here, "..");
const repo = join(js, "..", "..");
const www = process.argv[2] ?? join(repo, "www");

function copyTree(from, to, keep) {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    if (statSync(src).isDirectory()) copyTree(src, join(to, name), keep);
    else if (keep(name)) copyFileSync(src, join(to, name));
  }
}

rmSync(join(www, "sdk"), { recursive: true, force: true });
copyTree(join(js, "dist"), join(www, "sdk"), (name) => name.endsWith(".js"));
mkdirSync(join(www, "vendor"), { recursive: true });
copyFileSync(join(js, "node_modules/protobufjs/dist/protobuf.min.js"), join(www, "vendor/protobuf.min.js"));
mkdirSync(join(www, "proto"), { recursive: true });
for (const name of ["common.proto", "game.proto", "proto.c2s.sproto", "proto.s2c.sproto"]) {
  copyFileSync(join(repo, "proto", name), join(www, "proto", name));
}

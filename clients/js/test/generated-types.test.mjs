// The committed generated/ types match what scripts/gen-types.mjs makes from proto/ today.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "./support/vectors.mjs";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
const proto = (f) => join(REPO_ROOT, "proto", f);

test("generated/*.ts are up to date with proto/ (npm run gen-types)", () => {
  const dir = mkdtempSync(join(tmpdir(), "stratus-gen-"));
  try {
    const gen = (...args) => execFileSync(process.execPath, [join(pkg, "scripts/gen-types.mjs"), ...args]);
    gen("--out", join(dir, "protobuf-messages.d.ts"), proto("common.proto"), proto("game.proto"));
    gen("--out", join(dir, "sproto-messages.d.ts"), "--c2s", proto("proto.c2s.sproto"), "--s2c", proto("proto.s2c.sproto"));
    for (const f of ["protobuf-messages.d.ts", "sproto-messages.d.ts"]) {
      assert.equal(readFileSync(join(pkg, "generated", f), "utf8"), readFileSync(join(dir, f), "utf8"), f);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

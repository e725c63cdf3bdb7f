// `npm test`: runs test/*.test.mjs with node:test. Node 20-21 keep the global WebSocket behind
// --experimental-websocket; newer Nodes have it by default.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const testDir = join(dirname(fileURLToPath(import.meta.url)), "..", "test");
const files = readdirSync(testDir).filter((f) => f.endsWith(".test.mjs")).sort().map((f) => join(testDir, f));
const flags = typeof globalThis.WebSocket === "function" ? [] : ["--experimental-websocket"];
const result = spawnSync(process.execPath, [...flags, "--test", ...process.argv.slice(2), ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);

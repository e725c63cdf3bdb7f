// Loading ../shared/sproto-vectors (never copied into the repo) and mapping its JSON
// conventions (README "JSON value mapping") to and from the SDK's JS values.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root: clients/js/test/support -> four levels up. */
export const REPO_ROOT = resolve(here, "../../../..");
export const VECTORS_DIR = process.env.STRATUS_SHARED_DIR
  ? join(process.env.STRATUS_SHARED_DIR, "sproto-vectors")
  : resolve(REPO_ROOT, "../shared/sproto-vectors");

/** JSON.parse, except integers outside the exact double range become bigints. */
export function parseJson(text) {
  let pos = 0;
  const ws = () => { while (/\s/.test(text[pos] ?? "")) pos++; };
  const value = () => {
    ws();
    const c = text[pos];
    if (c === "{") {
      pos++;
      const obj = {};
      ws();
      if (text[pos] === "}") { pos++; return obj; }
      for (;;) {
        ws();
        const k = value();
        ws(); pos++; // ':'
        obj[k] = value();
        ws();
        if (text[pos++] === "}") return obj;
      }
    }
    if (c === "[") {
      pos++;
      const arr = [];
      ws();
      if (text[pos] === "]") { pos++; return arr; }
      for (;;) {
        arr.push(value());
        ws();
        if (text[pos++] === "]") return arr;
      }
    }
    if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(pos));
      pos += m[0].length;
      return JSON.parse(m[0]);
    }
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(pos));
    if (!m) throw new Error(`bad JSON at ${pos}`);
    pos += m[0].length;
    if (/^-?\d+$/.test(m[0])) {
      const n = BigInt(m[0]);
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
    }
    return JSON.parse(m[0]);
  };
  const v = value();
  return v;
}

/** The records of one .jsonl file. */
export function records(file) {
  return readFileSync(join(VECTORS_DIR, file), "utf8").split("\n").filter((l) => l.trim()).map(parseJson);
}

export function schemaText(file) {
  return readFileSync(join(VECTORS_DIR, "schemas", file), "utf8");
}

export const hex = (b) => Buffer.from(b).toString("hex");
export const unhex = (h) => new Uint8Array(Buffer.from(h, "hex"));

function doubleFromBits(bits) {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt("0x" + bits));
  return view.getFloat64(0);
}

function bitsOf(x) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, "0");
}

/** A vector's JSON value as the SDK's input value. */
export function fromJson(v) {
  if (Array.isArray(v)) return v.map(fromJson);
  if (v && typeof v === "object") {
    if ("$binary" in v) return unhex(v.$binary);
    if ("$bits" in v) return doubleFromBits(v.$bits);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromJson(x)]));
  }
  return v;
}

function keyOrder(a, b) {
  if (typeof a === "string" || a instanceof Uint8Array) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (typeof a === "boolean") return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A decoded SDK value of struct type `type`, in the vectors' JSON mapping: bytes as
 * $binary unless valid UTF-8 strings, doubles/decimals as {$double,$bits}, maps as
 * sorted arrays.
 */
export function toJson(type, value) {
  const out = {};
  for (const [name, v] of Object.entries(value)) {
    const field = type.byName.get(name);
    out[name] = fieldJson(field, v);
  }
  return out;
}

function fieldJson(field, v) {
  if (field.array) {
    if (field.key) {
      const entries = [...v.entries()].sort((a, b) => keyOrder(a[0], b[0]));
      if (field.value) return entries.map(([k, x]) => [scalarJson(field.key, k), field.value.array ? fieldJson(field.value, x) : elementJson(field.value, x)]);
      return entries.map(([, x]) => toJson(field.struct, x));
    }
    return v.map((x) => elementJson(field, x));
  }
  return elementJson(field, v);
}

/** One element of an array field, or the value of a non-array field. */
function elementJson(field, v) {
  if (field.kind === "struct") return toJson(field.struct, v);
  return scalarJson(field, v);
}

function scalarJson(field, v) {
  if (v instanceof Uint8Array) return { $binary: hex(v) };
  if (field.kind === "double" || (field.kind === "integer" && field.decimal !== undefined)) {
    return { $bits: bitsOf(v) };
  }
  return v;
}

/** Expected JSON with doubles reduced to their bits (the authoritative part). */
export function normalizeExpected(v) {
  if (Array.isArray(v)) return v.map(normalizeExpected);
  if (v && typeof v === "object") {
    if ("$bits" in v) return { $bits: v.$bits };
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalizeExpected(x)]));
  }
  return v;
}

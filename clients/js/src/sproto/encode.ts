// sproto wire encoding (sproto.md section 3.2-3.4): value -> bytes.
import { ByteWriter, toBytes } from "./bytes.js";
import { Field, SprotoError, StructType } from "./schema.js";

/** The Lua binding's nesting limit; deeper values are refused. */
export const MAX_DEPTH = 64;

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A sproto value of a struct type: field name -> value; absent fields are undefined. */
export type SprotoValue = { [field: string]: unknown };

/** Encodes `value` as a message of `type`. Keys that are not fields are ignored. */
export function encodeStruct(type: StructType, value: SprotoValue, depth = 1): Uint8Array {
  if (depth > MAX_DEPTH) throw new SprotoError(`${type.name}: nested deeper than ${MAX_DEPTH}`);
  if (typeof value !== "object" || value === null) {
    throw new SprotoError(`${type.name}: a struct value must be an object`);
  }
  const words: number[] = [];
  const data = new ByteWriter();
  let last = -1;
  for (const field of type.fields) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    const gap = field.tag - last - 1;
    if (gap > 0) words.push(2 * gap - 1);
    last = field.tag;
    const where = `${type.name}.${field.name}`;
    if (field.array) {
      words.push(0);
      data.block(encodeArray(field, v, where, depth));
      continue;
    }
    const inline = encodeScalar(field, v, where, depth, data);
    words.push(inline);
  }
  const out = new ByteWriter();
  out.u16(words.length);
  for (const w of words) out.u16(w);
  out.bytes(data.result());
  return out.result();
}

/** Writes one non-array field: returns its word (0 when a data block was written). */
function encodeScalar(field: Field, v: unknown, where: string, depth: number, data: ByteWriter): number {
  switch (field.kind) {
    case "integer": {
      const n = field.decimal === undefined ? toInt64(v, where) : scaleDecimal(v, field.decimal, where);
      if (n >= 0n && n <= 0x7ffen) return (Number(n) + 1) * 2;
      if (n >= INT32_MIN && n <= INT32_MAX) {
        data.u32(4);
        data.i32(Number(n));
      } else {
        data.u32(8);
        data.i64(n);
      }
      return 0;
    }
    case "boolean":
      if (typeof v !== "boolean") throw new SprotoError(`${where} is not a boolean`);
      return v ? 4 : 2;
    case "double":
      data.u32(8);
      data.f64(toDouble(v, where));
      return 0;
    case "string":
    case "binary":
      data.block(toByteString(v, where));
      return 0;
    case "struct":
      data.block(encodeStruct(field.struct!, v as SprotoValue, depth + 1));
      return 0;
  }
}

function encodeArray(field: Field, v: unknown, where: string, depth: number): Uint8Array {
  const items = arrayItems(field, v, where);
  const w = new ByteWriter();
  if (items.length === 0) return w.result();
  switch (field.kind) {
    case "integer": {
      const ns = items.map((x) =>
        field.decimal === undefined ? toInt64(x, where) : scaleDecimal(x, field.decimal, where));
      const wide = ns.some((n) => n < INT32_MIN || n > INT32_MAX);
      w.u8(wide ? 8 : 4);
      for (const n of ns) {
        if (wide) w.i64(n);
        else w.i32(Number(n));
      }
      break;
    }
    case "double":
      w.u8(8);
      for (const x of items) w.f64(toDouble(x, where));
      break;
    case "boolean":
      for (const x of items) {
        if (typeof x !== "boolean") throw new SprotoError(`${where} holds a non-boolean`);
        w.u8(x ? 1 : 0);
      }
      break;
    case "string":
    case "binary":
      for (const x of items) w.block(toByteString(x, where));
      break;
    case "struct":
      for (const x of items) w.block(encodeStruct(field.struct!, x as SprotoValue, depth + 1));
      break;
  }
  return w.result();
}

/**
 * The elements of an array field. Maps accept a Map, a plain object (string keys) or an
 * array: of element structs for `*S(key)`, of `[key, value]` pairs for `*S()`.
 */
function arrayItems(field: Field, v: unknown, where: string): unknown[] {
  if (field.value) {
    const key = field.key!.name;
    const value = field.value.name;
    let pairs: Iterable<[unknown, unknown]>;
    if (v instanceof Map) pairs = v.entries();
    else if (Array.isArray(v)) pairs = v as Array<[unknown, unknown]>;
    else if (typeof v === "object" && v !== null) pairs = Object.entries(v);
    else throw new SprotoError(`${where} must be a Map, an object or an array of pairs`);
    return [...pairs].map(([k, x]) => ({ [key]: k, [value]: x }));
  }
  if (field.key) {
    if (v instanceof Map) return [...v.values()];
    if (!Array.isArray(v) && typeof v === "object" && v !== null) return Object.values(v);
  }
  if (!Array.isArray(v)) throw new SprotoError(`${where} must be an array`);
  return v;
}

/** An integer value as a checked int64. */
export function toInt64(v: unknown, where: string): bigint {
  let n: bigint;
  if (typeof v === "bigint") n = v;
  else if (typeof v === "number" && Number.isInteger(v)) n = BigInt(v);
  else throw new SprotoError(`${where} is not an integer`);
  if (n < INT64_MIN || n > INT64_MAX) throw new SprotoError(`${where} is out of the int64 range`);
  return n;
}

/** `round_half_away_from_zero(x * 10^N)` computed in binary64, as C's round() does. */
function scaleDecimal(v: unknown, n: number, where: string): bigint {
  if (typeof v === "bigint") v = Number(v);
  if (typeof v !== "number" || !Number.isFinite(v)) throw new SprotoError(`${where} is not a finite number`);
  const p = v * 10 ** n;
  let r = Math.trunc(p);
  if (Math.abs(p - r) >= 0.5) r += Math.sign(p);
  if (!(Math.abs(r) < 2 ** 63)) throw new SprotoError(`${where} is out of range for integer(${n})`);
  return BigInt(r);
}

function toDouble(v: unknown, where: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  throw new SprotoError(`${where} is not a number`);
}

function toByteString(v: unknown, where: string): Uint8Array {
  if (typeof v === "string" || v instanceof Uint8Array) return toBytes(v);
  throw new SprotoError(`${where} is not a string or Uint8Array`);
}

// sproto wire decoding (sproto.md section 3.5): bytes -> value.
import { fromBytes } from "./bytes.js";
import { MAX_DEPTH, SprotoValue } from "./encode.js";
import { Field, SprotoError, StructType } from "./schema.js";

/** The result of a top-level decode: the value and how many bytes it used. */
export interface Decoded {
  value: SprotoValue;
  consumed: number;
}

function bad(what: string): never {
  throw new SprotoError(`decode error: ${what}`);
}

/** An int64 as a number when it is exact, else a bigint. */
export function fromInt64(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/**
 * Decodes a message of `type` from the start of `bytes`. Bytes after the message are
 * ignored (sproto.md 3.5 step 5); nested structs must fill their block exactly.
 */
export function decodeStruct(type: StructType, bytes: Uint8Array, depth = 1): Decoded {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = bytes.length;
  if (size < 2) bad("message shorter than its field count");
  const count = view.getUint16(0, true);
  let pos = 2 + 2 * count;
  if (size < pos) bad(`${count} field words announced, ${(size - 2) >> 1} present`);
  const value: SprotoValue = {};
  let tag = -1;
  for (let i = 0; i < count; i++) {
    const w = view.getUint16(2 + 2 * i, true);
    tag++;
    if (w & 1) {
      tag += (w - 1) / 2;
      continue;
    }
    let block: Uint8Array | null = null;
    if (w === 0) {
      if (size - pos < 4) bad("data block without its length");
      const len = view.getUint32(pos, true);
      if (size - pos - 4 < len) bad("data block longer than the message");
      block = bytes.subarray(pos + 4, pos + 4 + len);
      pos += 4 + len;
    }
    const field = type.byTag.get(tag);
    if (!field) continue;
    if (depth > MAX_DEPTH) bad(`nested deeper than ${MAX_DEPTH}`);
    const where = `${type.name}.${field.name}`;
    if (block === null) value[field.name] = inlineValue(field, w / 2 - 1, where);
    else value[field.name] = field.array ? decodeArray(field, block, where, depth) : blockValue(field, block, where, depth);
  }
  return { value, consumed: pos };
}

function inlineValue(field: Field, v: number, where: string): unknown {
  if (field.array) bad(`${where}: inline value for an array`);
  switch (field.kind) {
    case "integer":
      return field.decimal === undefined ? v : v / 10 ** field.decimal;
    case "boolean":
      return v !== 0;
    default:
      bad(`${where}: inline value for a ${field.kind}`);
  }
}

function readInt(block: Uint8Array, at: number, width: number): bigint {
  const view = new DataView(block.buffer, block.byteOffset + at, width);
  return width === 4 ? BigInt(view.getInt32(0, true)) : view.getBigInt64(0, true);
}

function blockValue(field: Field, block: Uint8Array, where: string, depth: number): unknown {
  switch (field.kind) {
    case "integer": {
      if (block.length !== 4 && block.length !== 8) bad(`${where}: integer of ${block.length} bytes`);
      const n = readInt(block, 0, block.length);
      return field.decimal === undefined ? fromInt64(n) : Number(n) / 10 ** field.decimal;
    }
    case "double":
      // The reference reinterprets 4 bytes as a sign-extended integer; we refuse them.
      if (block.length !== 8) bad(`${where}: double of ${block.length} bytes`);
      return new DataView(block.buffer, block.byteOffset, 8).getFloat64(0, true);
    case "boolean":
      bad(`${where}: boolean in a data block`);
    // falls through (unreachable)
    case "string":
      return fromBytes(block);
    case "binary":
      return block.slice();
    case "struct":
      return nested(field.struct!, block, where, depth);
  }
}

function nested(type: StructType, block: Uint8Array, where: string, depth: number): SprotoValue {
  const { value, consumed } = decodeStruct(type, block, depth + 1);
  if (consumed !== block.length) bad(`${where}: ${block.length - consumed} bytes after a nested struct`);
  return value;
}

function decodeArray(field: Field, block: Uint8Array, where: string, depth: number): unknown {
  const items: unknown[] = [];
  if (block.length > 0) {
    switch (field.kind) {
      case "integer":
      case "double": {
        const width = block[0];
        if (width !== 4 && width !== 8) bad(`${where}: array width ${width}`);
        if ((block.length - 1) % width !== 0) bad(`${where}: array length not a multiple of ${width}`);
        if (field.kind === "double" && width !== 8) bad(`${where}: double array of width ${width}`);
        for (let at = 1; at < block.length; at += width) {
          if (field.kind === "double") {
            items.push(new DataView(block.buffer, block.byteOffset + at, 8).getFloat64(0, true));
          } else {
            const n = readInt(block, at, width);
            items.push(field.decimal === undefined ? fromInt64(n) : Number(n) / 10 ** field.decimal);
          }
        }
        break;
      }
      case "boolean":
        for (const b of block) items.push(b !== 0);
        break;
      default: {
        const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
        for (let at = 0; at < block.length; ) {
          if (block.length - at < 4) bad(`${where}: element length truncated`);
          const len = view.getUint32(at, true);
          if (block.length - at - 4 < len) bad(`${where}: element longer than the array`);
          const elem = block.subarray(at + 4, at + 4 + len);
          at += 4 + len;
          if (field.kind === "struct") items.push(nested(field.struct!, elem, where, depth));
          else items.push(field.kind === "binary" ? elem.slice() : fromBytes(elem));
        }
      }
    }
  }
  if (!field.key) return items;
  // Maps: keyed by the key field; a later duplicate key wins.
  const map = new Map<unknown, unknown>();
  for (const item of items as SprotoValue[]) {
    const k = item[field.key.name];
    if (k === undefined) bad(`${where}: map element without its key ${field.key.name}`);
    if (field.value) {
      const v = item[field.value.name];
      if (v === undefined) bad(`${where}: map entry without its value ${field.value.name}`);
      map.set(k, v);
    } else {
      map.set(k, item);
    }
  }
  return map;
}

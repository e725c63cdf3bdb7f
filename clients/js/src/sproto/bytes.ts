// Little-endian byte helpers shared by the sproto encoder, decoder, packer and bundle writer.

/** A growable little-endian byte buffer. */
export class ByteWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }

  u16(v: number): void {
    this.room(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
  }

  u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }

  i32(v: number): void {
    this.room(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }

  i64(v: bigint): void {
    this.room(8);
    this.view.setBigInt64(this.length, v, true);
    this.length += 8;
  }

  f64(v: number): void {
    this.room(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** A `length:u32 || payload` block. */
  block(b: Uint8Array): void {
    this.u32(b.length);
    this.bytes(b);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const utf8 = new TextEncoder();
// ignoreBOM: a leading U+FEFF is part of the string, not a byte-order mark to drop.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** UTF-8 bytes of a string; a Uint8Array passes through. */
export function toBytes(v: string | Uint8Array): Uint8Array {
  return typeof v === "string" ? utf8.encode(v) : v;
}

/** A string when the bytes are valid UTF-8, else a copy of the bytes. */
export function fromBytes(b: Uint8Array): string | Uint8Array {
  try {
    return strictUtf8.decode(b);
  } catch {
    return b.slice();
  }
}

/** Lowercase hex of bytes. */
export function toHex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

/** Bytes of a hex string. */
export function fromHex(h: string): Uint8Array {
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
  return out;
}

// sproto 0-packing (sproto.md section 4).
import { SprotoError } from "./schema.js";

/** Packs bytes: zero-padded to 8-byte words, each word as tag byte + non-zero bytes, or raw `ff` runs. */
export function pack(input: Uint8Array): Uint8Array {
  const words = Math.ceil(input.length / 8);
  const src = new Uint8Array(words * 8);
  src.set(input);
  const out: number[] = [];
  const nonZero = (w: number): number => {
    let n = 0;
    for (let i = 0; i < 8; i++) if (src[w * 8 + i] !== 0) n++;
    return n;
  };
  for (let w = 0; w < words; ) {
    if (nonZero(w) === 8) {
      // A raw run: this full word plus the following words with at least 6 non-zero bytes.
      let end = w + 1;
      while (end < words && end - w < 256 && nonZero(end) >= 6) end++;
      out.push(0xff, end - w - 1);
      for (let i = w * 8; i < end * 8; i++) out.push(src[i]);
      w = end;
      continue;
    }
    let tag = 0;
    const bytes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const b = src[w * 8 + i];
      if (b !== 0) {
        tag |= 1 << i;
        bytes.push(b);
      }
    }
    out.push(tag, ...bytes);
    w++;
  }
  return Uint8Array.from(out);
}

/** Unpacks a packed stream; the result's length is a multiple of 8. */
export function unpack(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  let pos = 0;
  while (pos < input.length) {
    const tag = input[pos++];
    if (tag === 0xff) {
      if (pos >= input.length) throw new SprotoError("Invalid unpack stream: run without a count");
      const n = (input[pos++] + 1) * 8;
      if (input.length - pos < n) throw new SprotoError("Invalid unpack stream: truncated run");
      for (let i = 0; i < n; i++) out.push(input[pos++]);
      continue;
    }
    for (let i = 0; i < 8; i++) {
      if (tag & (1 << i)) {
        if (pos >= input.length) throw new SprotoError("Invalid unpack stream: truncated word");
        out.push(input[pos++]);
      } else {
        out.push(0);
      }
    }
  }
  return Uint8Array.from(out);
}

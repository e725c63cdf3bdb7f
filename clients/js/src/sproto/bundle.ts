// The compiled binary schema ("bundle", sproto.md 2.6) with the reference writer's word layout.
import { ByteWriter, toBytes } from "./bytes.js";
import { Field, Schema } from "./schema.js";

const SKIP = 1;
const BUILTIN_CODE = { integer: 0, boolean: 1, string: 2, binary: 2, double: 3 } as const;

/** An entry of a record: an inline small integer, a data block, or a one-tag skip. */
type Word = { inline: number } | { block: Uint8Array } | typeof SKIP;

function record(words: Word[]): Uint8Array {
  const w = new ByteWriter();
  const data = new ByteWriter();
  w.u16(words.length);
  for (const word of words) {
    if (word === SKIP) w.u16(1);
    else if ("inline" in word) w.u16((word.inline + 1) * 2);
    else {
      w.u16(0);
      data.block(word.block);
    }
  }
  w.bytes(data.result());
  return w.result();
}

function list(items: Uint8Array[]): Uint8Array {
  const w = new ByteWriter();
  for (const item of items) w.block(item);
  return w.result();
}

const bool = (b: boolean): Word => ({ inline: b ? 1 : 0 });

/** The bundle bytes the reference compiler would produce for this schema. */
export function writeBundle(schema: Schema): Uint8Array {
  const names = [...schema.types.keys()];
  if (names.length === 0) return new Uint8Array([0, 0]);
  const index = new Map(names.map((n, i) => [n, i]));
  const field = (f: Field): Uint8Array => {
    const words: Word[] = [{ block: toBytes(f.name) }];
    if (f.kind === "struct") words.push(SKIP, { inline: index.get(f.struct!.name)! });
    else {
      words.push({ inline: BUILTIN_CODE[f.kind] });
      if (f.decimal !== undefined) words.push({ inline: f.decimal });
      else if (f.kind === "binary") words.push({ inline: 1 });
      else words.push(SKIP);
    }
    words.push({ inline: f.tag });
    if (f.array) words.push(bool(true));
    if (f.key) words.push({ inline: f.key.tag });
    if (f.value) words.push(bool(true));
    return record(words);
  };
  const types = [...schema.types.values()].map((t) =>
    record(t.fields.length === 0
      ? [{ block: toBytes(t.name) }]
      : [{ block: toBytes(t.name) }, { block: list(t.fields.map(field)) }]));
  const protocols = [...schema.protocols.values()].sort((a, b) => a.tag - b.tag).map((p) => {
    const words: Word[] = [{ block: toBytes(p.name) }, { inline: p.tag }];
    if (p.request || p.response || p.confirm) {
      words.push(p.request ? { inline: index.get(p.request.name)! } : SKIP);
      if (p.response) words.push({ inline: index.get(p.response.name)! });
      else if (p.confirm) words.push(SKIP, bool(true));
    }
    return record(words);
  });
  const group: Word[] = [{ block: list(types) }];
  if (protocols.length > 0) group.push({ block: list(protocols) });
  return record(group);
}

// The sproto schema language (sproto.md section 2): text -> Schema.
import { Field, MAX_TAG, Protocol, Schema, SprotoError, StructType, Builtin } from "./schema.js";

const BUILTINS = new Set<string>(["integer", "boolean", "string", "binary", "double"]);

type Suffix = { kind: "key"; name: string } | { kind: "pair" } | { kind: "decimal"; n: number };

interface RawField {
  name: string;
  tag: number;
  array: boolean;
  typeref: string;
  suffix?: Suffix;
}

interface RawType {
  name: string;
  fields: RawField[];
}

type RawPart = { ref: string } | { inline: string } | "nil";

interface RawProtocol {
  name: string;
  tag: number;
  request?: RawPart;
  response?: RawPart;
}

/** Parses schema text; throws SprotoError with the reason (and line for syntax errors). */
export function parseSchema(text: string): Schema {
  const reader = new Reader(text);
  reader.schema();
  return resolve(reader.types, reader.protocols);
}

class Reader {
  pos = 0;
  types = new Map<string, RawType>();
  protocols: RawProtocol[] = [];

  constructor(private readonly text: string) {}

  fail(): never {
    const line = this.text.slice(0, this.pos).split("\n").length;
    throw new SprotoError(`syntax error at line ${line}`);
  }

  /** Skips whitespace and comments; true when something was skipped. */
  skip(): boolean {
    const start = this.pos;
    for (;;) {
      const c = this.text[this.pos];
      if (c === " " || c === "\t" || c === "\r" || c === "\n") this.pos++;
      else if (c === "#") {
        while (this.pos < this.text.length && this.text[this.pos] !== "\n") this.pos++;
      } else break;
    }
    return this.pos > start;
  }

  /** Requires whitespace/comments here. */
  gap(): void {
    if (!this.skip()) this.fail();
  }

  expect(c: string): void {
    if (this.text[this.pos] !== c) this.fail();
    this.pos++;
  }

  name(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!m) this.fail();
    this.pos += m[0].length;
    return m[0];
  }

  digits(): number {
    const m = /^[0-9]+/.exec(this.text.slice(this.pos, this.pos + 64));
    if (!m) this.fail();
    this.pos += m[0].length;
    return parseInt(m[0], 10);
  }

  typeref(): string {
    let ref = this.name();
    while (this.text[this.pos] === ".") {
      this.pos++;
      ref += "." + this.name();
    }
    return ref;
  }

  /**
   * Tracks how consecutive items of one list are separated: the reference accepts items all
   * separated by whitespace/comments or all adjacent (`.A{}.B{}`), not a mixture.
   */
  separation(): (gap: boolean) => void {
    const seen = new Set<boolean>();
    return (gap) => {
      seen.add(gap);
      if (seen.size > 1) this.fail();
    };
  }

  schema(): void {
    this.skip();
    const between = this.separation();
    while (this.pos < this.text.length) {
      if (this.text[this.pos] === ".") this.typedef("");
      else this.protocol();
      const gap = this.skip();
      if (this.pos < this.text.length) between(gap);
    }
  }

  typedef(parent: string): void {
    this.expect(".");
    const name = this.name();
    const full = parent ? `${parent}.${name}` : name;
    this.skip();
    this.structBody(full);
  }

  /** `{ member* }` defining the type `full`. */
  structBody(full: string): void {
    this.expect("{");
    const type: RawType = { name: full, fields: [] };
    if (this.types.has(full)) throw new SprotoError(`redefined ${full}`);
    this.types.set(full, type);
    this.skip();
    const between = this.separation();
    while (this.text[this.pos] !== "}") {
      if (this.pos >= this.text.length) this.fail();
      if (this.text[this.pos] === ".") this.typedef(full);
      else type.fields.push(this.field());
      const gap = this.skip();
      if (this.text[this.pos] !== "}") between(gap);
    }
    this.pos++;
  }

  field(): RawField {
    const name = this.name();
    this.gap();
    const tag = this.digits();
    this.skip();
    this.expect(":");
    this.skip();
    const array = this.text[this.pos] === "*";
    if (array) this.pos++;
    const typeref = this.typeref();
    const field: RawField = { name, tag, array, typeref };
    if (this.text[this.pos] === "(") {
      this.pos++;
      this.skip();
      const c = this.text[this.pos];
      if (c === ")") field.suffix = { kind: "pair" };
      else if (c >= "0" && c <= "9") field.suffix = { kind: "decimal", n: this.digits() };
      else field.suffix = { kind: "key", name: this.name() };
      this.skip();
      this.expect(")");
    }
    return field;
  }

  protocol(): void {
    const name = this.name();
    this.gap();
    const tag = this.digits();
    this.skip();
    this.expect("{");
    const proto: RawProtocol = { name, tag };
    this.skip();
    const between = this.separation();
    while (this.text[this.pos] !== "}") {
      if (this.pos >= this.text.length) this.fail();
      const which = this.name();
      if (which !== "request" && which !== "response") this.fail();
      this.gap();
      if (proto[which] !== undefined) throw new SprotoError(`redefine ${which} in protocol ${name}`);
      if (this.text[this.pos] === "{") {
        this.structBody(`${name}.${which}`);
        proto[which] = { inline: `${name}.${which}` };
      } else {
        const ref = this.typeref();
        proto[which] = ref === "nil" ? "nil" : { ref };
      }
      const gap = this.skip();
      if (this.text[this.pos] !== "}") between(gap);
    }
    this.pos++;
    this.protocols.push(proto);
  }
}

function resolve(raw: Map<string, RawType>, rawProtocols: RawProtocol[]): Schema {
  const types = new Map<string, StructType>();
  for (const name of [...raw.keys()].sort(byteOrder)) {
    types.set(name, { name, fields: [], byTag: new Map(), byName: new Map() });
  }
  // Fields first (struct references resolved by scope), then map keys, which need the
  // element types' fields.
  const pending: Array<[Field, RawField, StructType]> = [];
  for (const [name, rt] of raw) {
    const type = types.get(name)!;
    for (const rf of rt.fields) {
      if (type.byName.has(rf.name)) throw new SprotoError(`redefine ${rf.name} in type ${name}`);
      if (type.byTag.has(rf.tag)) throw new SprotoError(`redefine tag ${rf.tag} in type ${name}`);
      if (rf.tag > MAX_TAG) throw new SprotoError(`tag ${rf.tag} of ${name}.${rf.name} is over ${MAX_TAG}`);
      const field: Field = { name: rf.name, tag: rf.tag, kind: "struct", array: rf.array };
      if (BUILTINS.has(rf.typeref)) {
        field.kind = rf.typeref as Builtin;
      } else {
        const target = lookup(types, name, rf.typeref);
        if (!target) throw new SprotoError(`Undefined type ${rf.typeref} in type ${name}`);
        field.struct = target;
      }
      type.byName.set(field.name, field);
      type.byTag.set(field.tag, field);
      type.fields.push(field);
      pending.push([field, rf, type]);
    }
    type.fields.sort((a, b) => a.tag - b.tag);
  }
  for (const [field, rf, type] of pending) applySuffix(field, rf, type);

  const protocols = new Map<string, Protocol>();
  const protocolsByTag = new Map<number, Protocol>();
  for (const rp of rawProtocols) {
    if (protocols.has(rp.name)) throw new SprotoError(`redefined protocol ${rp.name}`);
    if (protocolsByTag.has(rp.tag)) throw new SprotoError(`redefined protocol tag ${rp.tag} at ${rp.name}`);
    if (rp.tag > MAX_TAG) throw new SprotoError(`protocol tag ${rp.tag} of ${rp.name} is over ${MAX_TAG}`);
    const part = (which: "request" | "response"): StructType | null => {
      const p = rp[which];
      if (p === undefined || p === "nil") return null;
      const name = "inline" in p ? p.inline : p.ref;
      const t = types.get(name);
      if (!t) throw new SprotoError(`Undefined ${which} type ${name} in protocol ${rp.name}`);
      return t;
    };
    const proto: Protocol = {
      name: rp.name,
      tag: rp.tag,
      request: part("request"),
      response: part("response"),
      confirm: rp.response === "nil",
    };
    protocols.set(proto.name, proto);
    protocolsByTag.set(proto.tag, proto);
  }
  if (protocols.size > 0 && types.size === 0) {
    throw new SprotoError("a schema with protocols needs at least one type");
  }
  return { types, protocols, protocolsByTag };
}

function applySuffix(field: Field, rf: RawField, type: StructType): void {
  const where = `${type.name}.${field.name}`;
  const s = rf.suffix;
  if (!s) return;
  if (s.kind === "decimal") {
    if (field.kind !== "integer") throw new SprotoError(`(${s.n}) needs an integer field: ${where}`);
    field.decimal = s.n;
    return;
  }
  if (field.kind !== "struct") throw new SprotoError(`a map key needs an array of structs: ${where}`);
  if (!field.array) return; // the reference drops a key on a non-array field silently
  const element = field.struct!;
  if (s.kind === "key") {
    const key = element.byName.get(s.name);
    if (!key || key.kind === "struct" || key.array) throw new SprotoError(`Invalid map index :${s.name}`);
    field.key = key;
    return;
  }
  if (element.fields.length !== 2) {
    throw new SprotoError(`Invalid map definition: ${field.name}, must only have two fields`);
  }
  const [key, value] = element.fields; // sorted by tag: the lower tag is the key
  if (key.kind === "struct" || key.array) throw new SprotoError(`Invalid map key in ${where}`);
  field.key = key;
  field.value = value;
}

/** Scoped lookup (sproto.md 2.4): `P.R`, then the enclosing scopes, then `R`. */
function lookup(types: Map<string, StructType>, scope: string, ref: string): StructType | undefined {
  const parts = scope.split(".");
  for (let n = parts.length; n >= 0; n--) {
    const candidate = [...parts.slice(0, n), ref].join(".");
    const t = types.get(candidate);
    if (t) return t;
  }
  return undefined;
}

/** Byte-wise comparison of ASCII names (uppercase before lowercase). */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// The compiled form of a sproto schema (shared/specs/sproto.md, section 2).

/** Raised for every sproto failure: bad schema text, undecodable bytes, bad values. */
export class SprotoError extends Error {
  override name = "SprotoError";
}

/** Builtin field types; `binary` is `string` on the wire. */
export type Builtin = "integer" | "boolean" | "string" | "binary" | "double";

/** One field of a struct type. */
export interface Field {
  name: string;
  tag: number;
  /** A builtin name or "struct". */
  kind: Builtin | "struct";
  /** The element/field type for kind "struct" (resolved after parsing). */
  struct?: StructType;
  array: boolean;
  /** N of `integer(N)`; absent for plain integers. */
  decimal?: number;
  /** `*S(key)` and `*S()`: the key field of the element struct. */
  key?: Field;
  /** `*S()`: the value field of the element struct (the two-field map). */
  value?: Field;
}

/** A struct type, with its fields in ascending tag order. */
export interface StructType {
  /** Full dotted name, e.g. `Outer.Inner` or `signin.request`. */
  name: string;
  fields: Field[];
  byTag: Map<number, Field>;
  byName: Map<string, Field>;
}

/** An RPC protocol: `name tag { request X response Y }`. */
export interface Protocol {
  name: string;
  tag: number;
  request: StructType | null;
  response: StructType | null;
  /** `response nil`: a reply exists but has no content. */
  confirm: boolean;
}

/** A parsed schema: types by full name, protocols by name and by tag. */
export interface Schema {
  types: Map<string, StructType>;
  protocols: Map<string, Protocol>;
  protocolsByTag: Map<number, Protocol>;
}

/** The largest field or protocol tag the reference accepts. */
export const MAX_TAG = 32766;

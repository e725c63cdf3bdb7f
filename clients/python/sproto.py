"""Pure-Python sproto: schema parser, encoder/decoder, 0-packing and RPC host.

Byte-compatible with the reference implementation (cloudwu/sproto) as specified
in ``shared/specs/sproto.md``. Standard library only; Python 3.11.

Quick tour::

    import sproto
    schema = sproto.parse(open("game.sproto").read())
    data = schema.encode("Person", {"name": "Alice", "age": 13})
    person = schema.decode("Person", data)

    client = sproto.Host(schema, package="package")
    send = client.attach(schema)            # requests built with the server's protocols
    packet = send("signin", {"userid": "alice"}, session=1)
    kind, session, args, ud = client.dispatch(reply_packet)   # ("RESPONSE", ...)

Python value mapping (decode produces exactly these types):

* ``integer`` -> int, ``integer(N)`` -> float, ``double`` -> float, ``boolean`` -> bool
* ``string`` -> str (UTF-8; invalid bytes survive as surrogate escapes), ``binary`` -> bytes
* struct -> dict keyed by field name; absent fields are missing keys
* ``*T`` -> list, ``*S(key)`` -> dict key -> element dict, ``*S()`` -> dict key -> value

Encoding also accepts bytes for ``string``, str for ``binary``, a list of elements
for ``*S(key)`` and a list of (key, value) pairs for ``*S()``. A value of None
counts as absent. Dict keys that are not fields of the type are ignored.

Where the reference accepts input that its own spec calls a quirk (a 4-byte
double, a two-field map entry that silently reuses the previous entry's field,
a ``(key)`` suffix on a non-array field, decimal precision above 9), this module
rejects it with a :class:`ReferenceQuirkError`.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field as dc_field
from typing import Any, Callable, Iterable, Mapping, NamedTuple

__all__ = [
    "SprotoError", "SchemaError", "EncodeError", "DecodeError", "RpcError",
    "ReferenceQuirkError", "Field", "StructType", "Protocol", "Schema",
    "parse", "parse_file", "pack", "unpack", "Host", "Request", "Response",
]

BUILTIN_TYPES = ("integer", "boolean", "string", "binary", "double")
MAX_TAG = 32766          # the reference stores (tag + 1) * 2 in 16 bits
MAX_DECIMAL = 9          # the reference computes 10^N in a C int
MAX_DEPTH = 64           # struct nesting levels the reference Lua binding accepts
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1
_INT32_MIN, _INT32_MAX = -(1 << 31), (1 << 31) - 1


# --------------------------------------------------------------------------- errors


class SprotoError(Exception):
    """Base class of every error this module raises on bad input."""


class SchemaError(SprotoError):
    """The schema text is invalid; ``line`` is the 1-based line (or None)."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class EncodeError(SprotoError):
    """A value cannot be encoded with the requested type."""


class DecodeError(SprotoError):
    """Bytes are not a valid message of the requested type (or not a valid packed stream)."""


class RpcError(SprotoError):
    """An RPC packet cannot be dispatched (unknown protocol or session)."""


class ReferenceQuirkError(SchemaError, DecodeError):
    """Input the reference silently accepts but this module rejects on purpose."""

    def __init__(self, message: str, line: int | None = None):
        SchemaError.__init__(self, message, line)


# --------------------------------------------------------------------------- schema model


@dataclass
class Field:
    """One field of a struct type, resolved."""

    name: str
    tag: int
    type: str                    # builtin name or the full name of a struct type
    array: bool = False
    decimal: int | None = None   # N of integer(N)
    key: str | None = None       # key field name of *S(key) / *S()
    key_tag: int | None = None
    map: bool = False            # True for the two-field map *S()
    value: str | None = None     # value field name of *S()
    struct: StructType | None = dc_field(default=None, repr=False)

    @property
    def is_struct(self) -> bool:
        """True when the field (or its elements) is a struct type."""
        return self.struct is not None


@dataclass
class StructType:
    """A struct type: full dotted name and fields in ascending tag order."""

    name: str
    fields: list[Field] = dc_field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_tag: dict[int, Field] = {}
        self._by_name: dict[str, Field] = {}

    def _index(self) -> None:
        self.fields.sort(key=lambda f: f.tag)
        self._by_tag = {f.tag: f for f in self.fields}
        self._by_name = {f.name: f for f in self.fields}

    def field(self, name: str) -> Field | None:
        """The field called ``name``, or None."""
        return self._by_name.get(name)

    def field_by_tag(self, tag: int) -> Field | None:
        """The field with ``tag``, or None."""
        return self._by_tag.get(tag)


@dataclass
class Protocol:
    """An RPC protocol: ``request``/``response`` are struct types or None."""

    name: str
    tag: int
    request: StructType | None = None
    response: StructType | None = None
    confirm: bool = False        # ``response nil``: a reply exists but carries no content

    @property
    def has_response(self) -> bool:
        """True when the protocol declares any response part (a type or ``nil``)."""
        return self.response is not None or self.confirm


# --------------------------------------------------------------------------- schema text


class _Token(NamedTuple):
    kind: str          # "name", "num", "eof" or the punctuation character itself
    text: str
    line: int
    spaced: bool       # whitespace or a comment precedes the token


_PUNCT = set("{}:*().")
_NAME_START = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_DIGITS = set("0123456789")
_NAME_CHARS = _NAME_START | _DIGITS


def _tokenize(text: str) -> list[_Token]:
    """Split schema text into tokens, remembering line numbers and preceding spacing."""
    tokens: list[_Token] = []
    i, line, spaced, n = 0, 1, False, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            line += c == "\n"
            spaced = True
            i += 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
            spaced = True
        elif c in _NAME_CHARS:
            kind, chars = ("name", _NAME_CHARS) if c in _NAME_START else ("num", _DIGITS)
            j = i + 1
            while j < n and text[j] in chars:
                j += 1
            if kind == "num" and j < n and text[j] in _NAME_START:
                raise SchemaError(f"syntax error: bad number {text[i:j + 1]!r}", line)
            tokens.append(_Token(kind, text[i:j], line, spaced))
            i, spaced = j, False
        elif c in _PUNCT:
            tokens.append(_Token(c, c, line, spaced))
            i, spaced = i + 1, False
        else:
            raise SchemaError(f"syntax error: unexpected character {c!r}", line)
    tokens.append(_Token("eof", "", line, spaced))
    return tokens


@dataclass
class _RawField:
    name: str
    tag: int
    array: bool
    typeref: str
    suffix: str | None     # None: no parentheses; "" : "()"; digits or a name otherwise
    scope: str             # full name of the enclosing type
    line: int


@dataclass
class _RawProtocol:
    name: str
    tag: int
    line: int
    parts: dict[str, tuple[str, str | None]] = dc_field(default_factory=dict)


class _Parser:
    """Recursive-descent parser producing raw definitions (resolved later)."""

    def __init__(self, text: str):
        self.tokens = _tokenize(text)
        self.pos = 0
        self.types: dict[str, list[_RawField]] = {}
        self.protocols: list[_RawProtocol] = []

    # -- token helpers
    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self, kind: str, what: str | None = None) -> _Token:
        tok = self.tokens[self.pos]
        if tok.kind != kind:
            found = "end of text" if tok.kind == "eof" else repr(tok.text)
            raise SchemaError(f"syntax error: expected {what or repr(kind)}, found {found}",
                              tok.line)
        self.pos += 1
        return tok

    def take_unspaced(self, kind: str, what: str) -> _Token:
        tok = self.peek()
        if tok.spaced and tok.kind == kind:
            raise SchemaError(f"syntax error: no whitespace allowed before {what}", tok.line)
        return self.take(kind, what)

    def tag(self, what: str) -> int:
        tok = self.take("num", what)
        value = int(tok.text, 10)
        if value > MAX_TAG:
            raise SchemaError(f"tag {value} is larger than {MAX_TAG}", tok.line)
        return value

    def typeref(self) -> str:
        parts = [self.take("name", "a type name").text]
        while self.peek().kind == "." and not self.peek().spaced:
            self.pos += 1
            parts.append(self.take_unspaced("name", "a type name after '.'").text)
        return ".".join(parts)

    def items(self, closer: str, item: Callable[[], None]) -> None:
        """Parse items until ``closer``, enforcing the reference's separation rule."""
        first, unseparated_run = True, False
        while self.peek().kind not in (closer, "eof"):
            tok = self.peek()
            if not first:
                if not tok.spaced:
                    unseparated_run = True
                elif unseparated_run:
                    raise SchemaError("syntax error: separate every definition by whitespace",
                                      tok.line)
            item()
            first = False

    # -- grammar
    def schema(self) -> None:
        self.items("eof", self.definition)
        self.take("eof", "a definition")

    def definition(self) -> None:
        if self.peek().kind == ".":
            self.typedef("")
        else:
            self.protocol()

    def typedef(self, outer: str) -> None:
        self.take(".")
        tok = self.take_unspaced("name", "a type name after '.'")
        self.struct_body(f"{outer}.{tok.text}" if outer else tok.text, tok.line)

    def struct_body(self, full_name: str, line: int) -> None:
        if full_name in self.types:
            raise SchemaError(f"redefined {full_name}", line)
        fields: list[_RawField] = []
        self.types[full_name] = fields
        self.take("{")

        def member() -> None:
            if self.peek().kind == ".":
                self.typedef(full_name)
            else:
                fields.append(self.field(full_name))

        self.items("}", member)
        self.take("}", "'}'")
        names, tags = set(), set()
        for f in fields:
            if f.name in names:
                raise SchemaError(f"redefine {f.name} in type {full_name}", f.line)
            if f.tag in tags:
                raise SchemaError(f"redefine tag {f.tag} in type {full_name}", f.line)
            names.add(f.name)
            tags.add(f.tag)

    def field(self, scope: str) -> _RawField:
        name = self.take("name", "a field name or '.'")
        tag = self.tag("a field tag")
        self.take(":", "':'")
        array = self.peek().kind == "*"
        if array:
            self.pos += 1
            if self.peek().spaced:
                raise SchemaError("syntax error: no whitespace allowed after '*'", self.peek().line)
        typeref = self.typeref()
        suffix = None
        if self.peek().kind == "(" and not self.peek().spaced:
            self.pos += 1
            suffix = ""
            if self.peek().kind in ("name", "num"):
                suffix = self.peek().text
                self.pos += 1
            self.take(")", "')'")
        return _RawField(name.text, tag, array, typeref, suffix, scope, name.line)

    def protocol(self) -> None:
        name = self.take("name", "a type definition '.Name' or a protocol name")
        proto = _RawProtocol(name.text, self.tag("a protocol tag"), name.line)
        self.take("{", "'{'")

        def part() -> None:
            tok = self.take("name", "'request' or 'response'")
            if tok.text not in ("request", "response"):
                raise SchemaError(f"syntax error: expected 'request' or 'response', found "
                                  f"{tok.text!r}", tok.line)
            if tok.text in proto.parts:
                raise SchemaError(f"redefine {tok.text} in protocol {proto.name}", tok.line)
            if not self.peek().spaced:
                raise SchemaError(f"syntax error: whitespace required after {tok.text}", tok.line)
            if self.peek().kind == "{":
                full_name = f"{proto.name}.{tok.text}"
                self.struct_body(full_name, tok.line)
                proto.parts[tok.text] = ("type", full_name)
            else:
                ref = self.typeref()
                proto.parts[tok.text] = ("nil", None) if ref == "nil" else ("ref", ref)

        self.items("}", part)
        self.take("}", "'}'")
        self.protocols.append(proto)


def _resolve(parser: _Parser) -> tuple[dict[str, StructType], dict[str, Protocol]]:
    """Turn raw definitions into linked types and protocols (spec sections 2.3-2.5)."""
    types = {name: StructType(name) for name in sorted(parser.types)}

    def lookup(ref: str, scope: str, line: int) -> StructType:
        parts = scope.split(".") if scope else []
        for depth in range(len(parts), -1, -1):
            candidate = ".".join(parts[:depth] + [ref])
            if candidate in types:
                return types[candidate]
        raise SchemaError(f"Undefined type {ref} in type {scope}", line)

    # Field types first, so that map keys can be checked against resolved fields.
    for name, raw_fields in parser.types.items():
        st = types[name]
        for raw in raw_fields:
            f = Field(raw.name, raw.tag, raw.typeref, raw.array)
            if raw.typeref not in BUILTIN_TYPES:
                f.struct = lookup(raw.typeref, name, raw.line)
                f.type = f.struct.name
            st.fields.append(f)
        st._index()

    for name, raw_fields in parser.types.items():
        for raw in raw_fields:
            _apply_suffix(types[name].field(raw.name), raw)

    protocols: dict[str, Protocol] = {}
    by_tag: dict[int, Protocol] = {}
    for raw in parser.protocols:
        if raw.name in protocols:
            raise SchemaError(f"redefined protocol {raw.name}", raw.line)
        if raw.tag in by_tag:
            raise SchemaError(f"redefined protocol tag {raw.tag} at {raw.name}", raw.line)
        proto = Protocol(raw.name, raw.tag)
        for which, (kind, ref) in raw.parts.items():
            if kind == "nil":
                proto.confirm = proto.confirm or which == "response"
                continue
            if ref not in types:
                raise SchemaError(f"Undefined {which} type {ref} in protocol {raw.name}", raw.line)
            setattr(proto, which, types[ref])
        protocols[raw.name] = by_tag[raw.tag] = proto
    if protocols and not types:
        raise SchemaError("a schema with protocols needs at least one type")
    ordered = {p.name: p for p in sorted(protocols.values(), key=lambda p: p.tag)}
    return types, ordered


def _apply_suffix(f: Field, raw: _RawField) -> None:
    """Check and apply a field's ``(N)`` or ``(key)`` suffix."""
    suffix = raw.suffix
    if suffix is None:
        return
    where = f"field {raw.name} in type {raw.scope}"
    if suffix.isdigit():
        if f.type != "integer":
            raise SchemaError(f"decimal precision ({suffix}) needs an integer type, {where}",
                              raw.line)
        f.decimal = int(suffix, 10)
        if f.decimal > MAX_DECIMAL:
            raise ReferenceQuirkError(f"decimal precision {f.decimal} exceeds {MAX_DECIMAL}, "
                                      f"{where}", raw.line)
        return
    if not f.array:
        raise ReferenceQuirkError(f"map key ({suffix}) on a non-array {where}", raw.line)
    if f.struct is None:
        raise SchemaError(f"map key ({suffix}) on an array of builtin type, {where}", raw.line)
    element = f.struct
    if suffix == "":
        if len(element.fields) != 2:
            raise SchemaError(f"Invalid map definition: {raw.name}, must only have two fields "
                              f"({element.name})", raw.line)
        key, value = element.fields          # fields are sorted by tag: key has the lower tag
        if key.struct is not None or key.array:
            raise SchemaError(f"Invalid map key {key.name}: must be a builtin type, {where}",
                              raw.line)
        f.key, f.key_tag, f.map, f.value = key.name, key.tag, True, value.name
        return
    key = element.field(suffix)
    if key is None or key.struct is not None or key.array:
        raise SchemaError(f"Invalid map index :{suffix}, {where}", raw.line)
    f.key, f.key_tag = key.name, key.tag


def parse(text: str) -> Schema:
    """Compile sproto schema text; raises :class:`SchemaError` with a line number."""
    parser = _Parser(text)
    parser.schema()
    types, protocols = _resolve(parser)
    return Schema(types, protocols)


def parse_file(path: str) -> Schema:
    """Compile the schema in the UTF-8 file at ``path``."""
    with open(path, encoding="utf-8") as f:
        return parse(f.read())


# --------------------------------------------------------------------------- encoding


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_int(value: Any, where: str) -> int:
    """An integer field value: an int, or a float with an exact integer value."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EncodeError(f"{where} is not an integer ({type(value).__name__})")
    if isinstance(value, float):
        if not value.is_integer():
            raise EncodeError(f"{where} is not an integer ({value!r})")
        value = int(value)
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise EncodeError(f"{where} does not fit a signed 64-bit integer ({value})")
    return value


def _scale_decimal(value: Any, n: int, where: str) -> int:
    """round_half_away_from_zero(x * 10^N), the product rounded to binary64 first."""
    product = _as_double(value, where) * float(10 ** n)
    if not math.isfinite(product):
        raise EncodeError(f"{where} is not finite ({value!r})")
    magnitude = abs(product)
    whole = math.floor(magnitude)
    rounded = whole + (1 if magnitude - whole >= 0.5 else 0)
    scaled = -rounded if product < 0 else rounded
    if not _INT64_MIN <= scaled <= _INT64_MAX:
        raise EncodeError(f"{where} is out of range after scaling by 10^{n} ({value!r})")
    return scaled


def _as_bytes(value: Any, where: str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise EncodeError(f"{where} is not a string ({type(value).__name__})")


def _as_double(value: Any, where: str) -> float:
    if not _is_number(value):
        raise EncodeError(f"{where} is not a number ({type(value).__name__})")
    try:
        return float(value)
    except OverflowError:
        raise EncodeError(f"{where} is too large for a double") from None


def _block(payload: bytes) -> bytes:
    return struct.pack("<I", len(payload)) + payload


class _Encoder:
    """Encodes Python values into sproto messages (spec section 3.2-3.4)."""

    def message(self, st: StructType, value: Any, depth: int = 1) -> bytes:
        if not isinstance(value, Mapping):
            raise EncodeError(f"{st.name} value is not a mapping ({type(value).__name__})")
        if depth > MAX_DEPTH and st.fields:
            raise EncodeError(f"{st.name}: structs nested deeper than {MAX_DEPTH} levels")
        words: list[int] = []
        blocks: list[bytes] = []
        last = -1
        for f in st.fields:
            v = value.get(f.name)
            if v is None:
                continue
            where = f"{st.name}.{f.name}"
            inline, payload = self._field(f, v, where, depth)
            gap = f.tag - last - 1
            if gap > 0:
                words.append(2 * gap - 1)
            if payload is None:
                words.append(inline)
            else:
                words.append(0)
                blocks.append(_block(payload))
            last = f.tag
        return struct.pack(f"<H{len(words)}H", len(words), *words) + b"".join(blocks)

    def _field(self, f: Field, v: Any, where: str, depth: int) -> tuple[int, bytes | None]:
        """(inline word, None) or (0, block payload) for one present field."""
        if f.array:
            return 0, self._array(f, v, where, depth)
        if f.struct is not None:
            return 0, self.message(f.struct, v, depth + 1)
        if f.type == "integer":
            n = _scale_decimal(v, f.decimal, where) if f.decimal is not None else _as_int(v, where)
            return self._integer(n)
        if f.type == "boolean":
            if not isinstance(v, bool):
                raise EncodeError(f"{where} is not a boolean ({type(v).__name__})")
            return (4 if v else 2), None
        if f.type == "double":
            return 0, struct.pack("<d", _as_double(v, where))
        return 0, _as_bytes(v, where)

    @staticmethod
    def _integer(n: int) -> tuple[int, bytes | None]:
        if 0 <= n <= 0x7FFE:
            return (n + 1) * 2, None
        if _INT32_MIN <= n <= _INT32_MAX:
            return 0, struct.pack("<i", n)
        return 0, struct.pack("<q", n)

    def _array(self, f: Field, v: Any, where: str, depth: int) -> bytes:
        items = self._elements(f, v, where)
        if f.struct is not None:
            return b"".join(_block(self.message(f.struct, e, depth + 1)) for e in items)
        if not items:
            return b""
        if f.type == "integer":
            if f.decimal is not None:
                ints = [_scale_decimal(e, f.decimal, f"{where}[{i}]") for i, e in enumerate(items)]
            else:
                ints = [_as_int(e, f"{where}[{i}]") for i, e in enumerate(items)]
            if all(_INT32_MIN <= n <= _INT32_MAX for n in ints):
                return b"\x04" + struct.pack(f"<{len(ints)}i", *ints)
            return b"\x08" + struct.pack(f"<{len(ints)}q", *ints)
        if f.type == "double":
            dbls = [_as_double(e, f"{where}[{i}]") for i, e in enumerate(items)]
            return b"\x08" + struct.pack(f"<{len(dbls)}d", *dbls)
        if f.type == "boolean":
            for i, e in enumerate(items):
                if not isinstance(e, bool):
                    raise EncodeError(f"{where}[{i}] is not a boolean ({type(e).__name__})")
            return bytes(1 if e else 0 for e in items)
        return b"".join(_block(_as_bytes(e, f"{where}[{i}]")) for i, e in enumerate(items))

    @staticmethod
    def _elements(f: Field, v: Any, where: str) -> list[Any]:
        """Array elements in wire order; maps become their element structs."""
        if isinstance(v, (str, bytes, bytearray)) or not isinstance(v, (Mapping, Iterable)):
            raise EncodeError(f"{where} should be a list or dict ({type(v).__name__})")
        if f.map:
            pairs = v.items() if isinstance(v, Mapping) else v
            out = []
            for pair in pairs:
                if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                    raise EncodeError(f"{where} entries must be (key, value) pairs")
                out.append({f.key: pair[0], f.value: pair[1]})
            return out
        if isinstance(v, Mapping):
            if f.key is None:
                raise EncodeError(f"{where} is an array; pass a list, not a dict")
            return list(v.values())
        items = list(v)
        for i, e in enumerate(items):
            if e is None:
                raise EncodeError(f"{where}[{i}] is None")
        return items


# --------------------------------------------------------------------------- decoding


class _Decoder:
    """Decodes sproto messages into Python values (spec section 3.5)."""

    def __init__(self, data: bytes):
        self.data = data

    def message(self, st: StructType, start: int, end: int, depth: int = 1) -> tuple[dict, int]:
        """Decode one message in data[start:end]; returns (value, bytes consumed)."""
        data = self.data
        if end - start < 2:
            raise DecodeError(f"{st.name}: message shorter than its 2-byte header")
        (count,) = struct.unpack_from("<H", data, start)
        cursor = start + 2 + 2 * count
        if cursor > end:
            raise DecodeError(f"{st.name}: {count} field words announced, buffer too short")
        words = struct.unpack_from(f"<{count}H", data, start + 2)
        result: dict[str, Any] = {}
        tag = -1
        for w in words:
            tag += 1
            if w & 1:
                tag += w >> 1
                continue
            block = None
            if w == 0:
                if cursor + 4 > end:
                    raise DecodeError(f"{st.name}: data block length truncated (tag {tag})")
                (length,) = struct.unpack_from("<I", data, cursor)
                if cursor + 4 + length > end:
                    raise DecodeError(f"{st.name}: data block of {length} bytes truncated "
                                      f"(tag {tag})")
                block = (cursor + 4, cursor + 4 + length)
                cursor += 4 + length
            f = st.field_by_tag(tag)
            if f is None:
                continue
            if depth > MAX_DEPTH:
                raise DecodeError(f"{st.name}: structs nested deeper than {MAX_DEPTH} levels")
            where = f"{st.name}.{f.name}"
            if block is None:
                result[f.name] = self._inline(f, w // 2 - 1, where)
            elif f.array:
                result[f.name] = self._array(f, block[0], block[1], where, depth)
            else:
                result[f.name] = self._scalar(f, block[0], block[1], where, depth)
        return result, cursor - start

    def _exact(self, st: StructType, start: int, end: int, depth: int, where: str) -> dict:
        value, used = self.message(st, start, end, depth)
        if used != end - start:
            raise DecodeError(f"{where}: {end - start - used} trailing bytes in a nested struct")
        return value

    @staticmethod
    def _inline(f: Field, v: int, where: str) -> Any:
        if f.array or f.struct is not None or f.type not in ("integer", "boolean"):
            raise DecodeError(f"{where}: inline value for a field that needs a data block")
        if f.type == "boolean":
            return v != 0
        return v / float(10 ** f.decimal) if f.decimal is not None else v

    def _scalar(self, f: Field, start: int, end: int, where: str, depth: int) -> Any:
        size = end - start
        if f.struct is not None:
            return self._exact(f.struct, start, end, depth + 1, where)
        if f.type == "integer":
            if size not in (4, 8):
                raise DecodeError(f"{where}: integer block of {size} bytes")
            (n,) = struct.unpack_from("<i" if size == 4 else "<q", self.data, start)
            return n / float(10 ** f.decimal) if f.decimal is not None else n
        if f.type == "double":
            if size == 4:
                raise ReferenceQuirkError(f"{where}: 4-byte double (the reference reinterprets "
                                          "sign-extended integer bits)")
            if size != 8:
                raise DecodeError(f"{where}: double block of {size} bytes")
            return struct.unpack_from("<d", self.data, start)[0]
        if f.type == "boolean":
            raise DecodeError(f"{where}: boolean stored in a data block")
        raw = bytes(self.data[start:end])
        return raw if f.type == "binary" else raw.decode("utf-8", "surrogateescape")

    def _array(self, f: Field, start: int, end: int, where: str, depth: int) -> Any:
        size = end - start
        if f.struct is None and f.type in ("integer", "double") and size > 0:
            width = self.data[start]
            if width not in (4, 8):
                raise DecodeError(f"{where}: array element width {width}")
            if (size - 1) % width:
                raise DecodeError(f"{where}: array length {size - 1} not a multiple of {width}")
            if f.type == "double" and width == 4 and size > 1:
                raise ReferenceQuirkError(f"{where}: double array with 4-byte elements")
            code = {4: "i", 8: "q"}[width] if f.type == "integer" else "d"
            items = list(struct.unpack_from(f"<{(size - 1) // width}{code}", self.data, start + 1))
            if f.decimal is not None:
                scale = float(10 ** f.decimal)
                items = [n / scale for n in items]
            return items
        if f.struct is None and f.type == "boolean":
            return [b != 0 for b in self.data[start:end]]
        if f.struct is None and f.type not in ("string", "binary"):
            return []
        items = []
        cursor = start
        while cursor < end:
            if cursor + 4 > end:
                raise DecodeError(f"{where}: element length truncated")
            (length,) = struct.unpack_from("<I", self.data, cursor)
            if cursor + 4 + length > end:
                raise DecodeError(f"{where}: element of {length} bytes truncated")
            a, b = cursor + 4, cursor + 4 + length
            if f.struct is not None:
                items.append(self._exact(f.struct, a, b, depth + 1, where))
            else:
                raw = bytes(self.data[a:b])
                items.append(raw if f.type == "binary" else raw.decode("utf-8", "surrogateescape"))
            cursor = b
        return self._to_map(f, items, where) if f.key is not None else items

    @staticmethod
    def _to_map(f: Field, items: list[dict], where: str) -> dict:
        result: dict[Any, Any] = {}
        if not f.map:
            for element in items:
                if f.key not in element:
                    raise DecodeError(f"{where}: map element without key field {f.key}")
                result[element[f.key]] = element
            return result
        for i, entry in enumerate(items):
            missing = [n for n in (f.key, f.value) if n not in entry]
            if missing and i > 0:
                raise ReferenceQuirkError(f"{where}: map entry {i} lacks {', '.join(missing)} "
                                          "(the reference reuses the previous entry's field)")
            if missing:
                raise DecodeError(f"{where}: map entry lacks {', '.join(missing)}")
            result[entry[f.key]] = entry[f.value]
        return result


# --------------------------------------------------------------------------- schema object


class Schema:
    """A compiled, immutable schema: encode/decode messages and RPC bodies."""

    def __init__(self, types: dict[str, StructType], protocols: dict[str, Protocol]):
        self.types = types                  # full name -> type, sorted byte-wise by name
        self.protocols = protocols          # name -> protocol, in ascending tag order
        self._by_tag = {p.tag: p for p in protocols.values()}

    def struct(self, name: str) -> StructType:
        """The struct type with full name ``name``."""
        try:
            return self.types[name]
        except KeyError:
            raise SprotoError(f"type {name} not found") from None

    def protocol(self, proto: str | int) -> Protocol:
        """The protocol with this name or tag."""
        found = self._by_tag.get(proto) if isinstance(proto, int) else self.protocols.get(proto)
        if found is None:
            raise SprotoError(f"protocol {proto} not found")
        return found

    # -- messages
    def encode(self, type_name: str, value: Mapping[str, Any]) -> bytes:
        """Encode ``value`` as a message of the named struct type."""
        return _Encoder().message(self.struct(type_name), value)

    def decode(self, type_name: str, data: bytes) -> dict:
        """Decode a message; bytes after the message are ignored."""
        return self.decode_prefix(type_name, data)[0]

    def decode_prefix(self, type_name: str, data: bytes) -> tuple[dict, int]:
        """Decode a message at the start of ``data``; returns (value, bytes consumed)."""
        data = bytes(data)
        return _Decoder(data).message(self.struct(type_name), 0, len(data))

    def pencode(self, type_name: str, value: Mapping[str, Any]) -> bytes:
        """``pack(encode(...))``."""
        return pack(self.encode(type_name, value))

    def pdecode(self, type_name: str, data: bytes) -> dict:
        """``decode(unpack(...))``."""
        return self.decode(type_name, unpack(data))

    # -- header-less RPC bodies
    def request_encode(self, proto: str | int, args: Mapping[str, Any] | None) -> tuple[bytes, int]:
        """(body, tag) of a request; the body is empty when the protocol has no request type."""
        p = self.protocol(proto)
        return _encode_body(p.request, args, f"request of {p.name}"), p.tag

    def response_encode(self, proto: str | int, args: Mapping[str, Any] | None) -> bytes:
        """Body of a response; empty when the protocol has no response type."""
        p = self.protocol(proto)
        return _encode_body(p.response, args, f"response of {p.name}")

    def request_decode(self, proto: str | int, data: bytes) -> tuple[dict | None, str]:
        """(args or None, protocol name) of a request body."""
        p = self.protocol(proto)
        return (_decode_body(p.request, data), p.name)

    def response_decode(self, proto: str | int, data: bytes) -> dict | None:
        """Args (or None) of a response body."""
        return _decode_body(self.protocol(proto).response, data)

    # -- reference conveniences
    def default(self, name: str, which: str | None = None) -> dict | None:
        """Placeholder table of the reference's ``sproto:default`` (``which``: REQUEST/RESPONSE).

        Scalars get zero values; a struct field becomes ``{"__type": name}`` and an
        array ``{"__array": <element default or struct name>}``.
        """
        if which is None:
            st: StructType | None = self.struct(name)
        elif which in ("REQUEST", "RESPONSE"):
            p = self.protocol(name)
            st = p.request if which == "REQUEST" else p.response
        else:
            raise SprotoError(f"which must be None, 'REQUEST' or 'RESPONSE', not {which!r}")
        if st is None:
            return None
        zero = {"integer": 0, "boolean": False, "string": "", "binary": b"", "double": 0.0}
        result: dict[str, Any] = {}
        for f in st.fields:
            if f.struct is not None:
                element: Any = f.struct.name
            else:
                element = 0.0 if f.decimal is not None else zero[f.type]
            if f.array:
                result[f.name] = {"__array": element}
            else:
                result[f.name] = {"__type": element} if f.struct is not None else element
        return result

    def to_bundle(self) -> bytes:
        """The compiled binary schema, byte-identical to the reference compiler's."""
        return _bundle(self)


def _encode_body(st: StructType | None, args: Mapping[str, Any] | None, what: str) -> bytes:
    if st is None:
        if args is not None:
            raise EncodeError(f"the {what} has no type; args must be None")
        return b""
    if args is None:
        raise EncodeError(f"the {what} needs args (a dict)")
    return _Encoder().message(st, args)


def _decode_body(st: StructType | None, data: bytes) -> dict | None:
    """Decode an RPC body (trailing bytes ignored); None when there is no body type."""
    if st is None:
        return None
    data = bytes(data)
    return _Decoder(data).message(st, 0, len(data))[0]


_BUILTIN_CODES = {"integer": 0, "boolean": 1, "string": 2, "binary": 2, "double": 3}


def _bundle(schema: Schema) -> bytes:
    """Write the meta-schema ``group`` message with the reference's fixed word layout."""
    index = {name: i for i, name in enumerate(schema.types)}
    type_records = []
    for st in schema.types.values():
        field_records = []
        for f in st.fields:
            builtin = None
            extra = None
            if f.struct is None:
                builtin = _BUILTIN_CODES[f.type]
                extra = f.decimal if f.decimal is not None else (1 if f.type == "binary" else None)
            else:
                extra = index[f.struct.name]
            entries = [f.name.encode(), builtin, extra, f.tag]
            if f.array:
                entries.append(True)
                if f.key_tag is not None:
                    entries.append(f.key_tag)
                    if f.map:
                        entries.append(True)
            field_records.append(_meta_record(entries))
        entries = [st.name.encode()]
        if st.fields:
            entries.append(field_records)
        type_records.append(_meta_record(entries))
    group: list[Any] = []
    if type_records:
        group.append(type_records)
    proto_records = []
    for p in schema.protocols.values():
        entries = [p.name.encode(), p.tag]
        if p.request or p.response or p.confirm:
            entries.append(index[p.request.name] if p.request else None)
        if p.response:
            entries.append(index[p.response.name])
        elif p.confirm:
            entries += [None, True]
        proto_records.append(_meta_record(entries))
    if proto_records:
        group.append(proto_records)
    return _meta_record(group)


def _meta_record(entries: list[Any]) -> bytes:
    """Encode entries for tags 0, 1, 2...; None writes a one-tag skip word."""
    words, blocks = [], []
    for v in entries:
        if v is None:
            words.append(1)
        elif isinstance(v, bool):
            words.append(4 if v else 2)
        elif isinstance(v, int):
            inline, payload = _Encoder._integer(v)
            words.append(inline)
            if payload is not None:
                blocks.append(_block(payload))
        else:
            words.append(0)
            payload = v if isinstance(v, bytes) else b"".join(_block(r) for r in v)
            blocks.append(_block(payload))
    return struct.pack(f"<H{len(words)}H", len(words), *words) + b"".join(blocks)


# --------------------------------------------------------------------------- 0-packing


def pack(data: bytes) -> bytes:
    """0-pack ``data`` (spec section 4.1); the input is zero-padded to a multiple of 8."""
    data = bytes(data)
    if len(data) % 8:
        data += bytes(8 - len(data) % 8)
    words = [data[i:i + 8] for i in range(0, len(data), 8)]
    nonzero = [8 - w.count(0) for w in words]
    out = bytearray()
    i = 0
    while i < len(words):
        if nonzero[i] == 8:
            j = i + 1          # raw run: later words join while they have >= 6 non-zero bytes
            while j < len(words) and j - i < 256 and nonzero[j] >= 6:
                j += 1
            out += bytes((0xFF, j - i - 1))
            out += data[i * 8:j * 8]
            i = j
            continue
        tag = 0
        for bit, byte in enumerate(words[i]):
            if byte:
                tag |= 1 << bit
        out.append(tag)
        out += bytes(b for b in words[i] if b)
        i += 1
    return bytes(out)


def unpack(data: bytes) -> bytes:
    """Invert :func:`pack` (spec section 4.2); the result length is a multiple of 8."""
    data = bytes(data)
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        tag = data[i]
        i += 1
        if tag == 0xFF:
            if i >= n:
                raise DecodeError("Invalid unpack stream: raw run without a count")
            size = (data[i] + 1) * 8
            i += 1
            if i + size > n:
                raise DecodeError("Invalid unpack stream: raw run truncated")
            out += data[i:i + size]
            i += size
            continue
        for bit in range(8):
            if tag & (1 << bit):
                if i >= n:
                    raise DecodeError("Invalid unpack stream: word truncated")
                out.append(data[i])
                i += 1
            else:
                out.append(0)
    return bytes(out)


# --------------------------------------------------------------------------- RPC host


class Request(NamedTuple):
    """A dispatched request: ``("REQUEST", name, args, responder, ud)``."""

    kind: str                                          # always "REQUEST"
    name: str
    args: dict | None
    responder: Callable[..., bytes] | None             # set exactly when a session was sent
    ud: Any


class Response(NamedTuple):
    """A dispatched response: ``("RESPONSE", session, args, ud)``."""

    kind: str                                          # always "RESPONSE"
    session: int
    args: dict | None
    ud: Any


class Host:
    """One RPC endpoint (spec section 5): dispatches packets, remembers pending sessions."""

    def __init__(self, schema: Schema, package: str = "package"):
        self.schema = schema
        self.package = schema.struct(package)
        for required in ("type", "session"):
            if self.package.field(required) is None:
                raise SprotoError(f"package type {package} has no field {required!r}")
        self._pending: dict[int, Protocol] = {}

    @property
    def pending_sessions(self) -> list[int]:
        """Sessions of requests sent through this host that still await a reply."""
        return list(self._pending)

    def attach(self, remote: Schema | None = None) -> Callable[..., bytes]:
        """A ``send(name, args=None, session=None, ud=None) -> packet`` using ``remote``'s
        protocols (default: this host's schema) and this host's header type."""
        remote = remote or self.schema

        def send(name: str | int, args: Mapping[str, Any] | None = None,
                 session: int | None = None, ud: Any = None) -> bytes:
            proto = remote.protocol(name)
            body, tag = remote.request_encode(proto.name, args)
            header = self._header({"type": tag, "session": session, "ud": ud})
            if session is not None:
                self._pending[session] = proto
            return pack(header + body)

        return send

    def dispatch(self, packet: bytes) -> Request | Response:
        """Decode one packet into a :class:`Request` or :class:`Response`."""
        data = unpack(packet)
        header, used = _Decoder(data).message(self.package, 0, len(data))
        self.last_header = header  # e.g. the push `seq` of wire.md's sessions
        body = data[used:]
        session, ud = header.get("session"), header.get("ud")
        if header.get("type") is not None:
            try:
                proto = self.schema.protocol(header["type"])
            except SprotoError:
                raise RpcError(f"{header['type']} not found") from None
            args = _decode_body(proto.request, body)
            responder = self._responder(proto, session) if session is not None else None
            return Request("REQUEST", proto.name, args, responder, ud)
        if session is None:
            raise RpcError("session not found")
        proto = self._pending.pop(session, None)
        if proto is None:
            raise RpcError(f"Unknown session {session}")
        return Response("RESPONSE", session, _decode_body(proto.response, body), ud)

    def _responder(self, proto: Protocol, session: int) -> Callable[..., bytes]:
        def respond(args: Mapping[str, Any] | None = None, ud: Any = None) -> bytes:
            """Packet answering ``session``; ``args`` must be None without a response type."""
            body = _encode_body(proto.response, args, f"response of {proto.name}")
            return pack(self._header({"session": session, "ud": ud}) + body)

        return respond

    def _header(self, fields: dict[str, Any]) -> bytes:
        if fields.get("ud") is not None and self.package.field("ud") is None:
            raise EncodeError(f"package type {self.package.name} has no ud field")
        return _Encoder().message(self.package, fields)

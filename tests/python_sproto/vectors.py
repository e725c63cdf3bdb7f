"""Loading sproto conformance vectors and mapping their JSON values to Python values.

The JSON value mapping is described in shared/sproto-vectors/README.md. Values are
converted guided by the schema, into the Python types that ``sproto`` produces, and
compared through :func:`canon`, which tells floats apart by their bit pattern and
never confuses ``True`` with ``1``.
"""

from __future__ import annotations

import glob
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "clients", "python"))

import sproto  # noqa: E402


def vectors_dir() -> str:
    """``$STRATUS_SHARED_DIR/sproto-vectors`` (default: the checkout's sibling ``shared``)."""
    shared = os.environ.get("STRATUS_SHARED_DIR") or os.path.join(HERE, "..", "..", "..", "shared")
    return os.path.join(shared, "sproto-vectors")


def load_records() -> list[tuple[str, str, dict]]:
    """Every record of every ``.jsonl`` below the vectors dir: (test id, its directory, record)."""
    out = []
    for path in sorted(glob.glob(os.path.join(vectors_dir(), "**", "*.jsonl"), recursive=True)):
        base = os.path.dirname(path)
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                record = json.loads(line)
                record.setdefault("op", "schema" if os.path.basename(path) == "schemas.jsonl"
                                  else None)
                rid = record.get("id") or f"{os.path.basename(path)}:{record.get('schema', number)}"
                out.append((rid, base, record))
    return out


_schemas: dict[str, sproto.Schema] = {}


def schema(base: str, name: str) -> sproto.Schema:
    """Parsed ``schemas/<name>`` next to the record's file (cached)."""
    path = os.path.join(base, "schemas", name)
    if path not in _schemas:
        _schemas[path] = sproto.parse_file(path)
    return _schemas[path]


# --------------------------------------------------------------------------- JSON -> Python


def double(obj) -> float:
    """A double object ``{"$double": ..., "$bits": ...}`` as a float (bits are authoritative)."""
    return struct.unpack(">d", bytes.fromhex(obj["$bits"]))[0]


def scalar(field: sproto.Field, obj):
    """A JSON scalar of a field's element type as the Python value sproto uses."""
    if isinstance(obj, dict) and "$bits" in obj:
        return double(obj)
    if field.struct is not None:
        return value(field.struct, obj)
    if field.type == "integer" and field.decimal is not None or field.type == "double":
        return double(obj)
    if field.type == "binary":
        return bytes.fromhex(obj["$binary"]) if isinstance(obj, dict) else obj.encode()
    if field.type == "string" and isinstance(obj, dict):
        return bytes.fromhex(obj["$binary"]).decode("utf-8", "surrogateescape")
    return obj


def value(st: sproto.StructType, obj, *, map_input: bool = False):
    """A JSON struct value as a dict; maps become dicts (``map_input``: keep a list when an
    element lacks its key, since encode then takes the element list as it is)."""
    if not isinstance(obj, dict):
        return obj                       # deliberately ill-typed input of a misuse record
    out = {}
    for name, v in obj.items():
        f = st.field(name)
        if f is None:
            out[name] = v
        elif not f.array or not isinstance(v, list):
            out[name] = scalar(f, v) if not f.array else v
        elif f.map:
            key_field, value_field = f.struct.field(f.key), f.struct.field(f.value)
            out[name] = {scalar(key_field, k): scalar(value_field, x) for k, x in v}
        elif f.key is not None:
            elements = [value(f.struct, e, map_input=map_input) for e in v]
            if map_input and any(f.key not in e for e in elements):
                out[name] = elements
            else:
                out[name] = {e[f.key]: e for e in elements}
        else:
            out[name] = [scalar(f, e) for e in v]
    return out


def text(obj):
    """A JSON ``string`` value (``ud``) as str."""
    if isinstance(obj, dict):
        return bytes.fromhex(obj["$binary"]).decode("utf-8", "surrogateescape")
    return obj


# --------------------------------------------------------------------------- comparison


def canon(v):
    """A hashable, type-exact form of a Python value for equality checks."""
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, int):
        return ("int", v)
    if isinstance(v, float):
        return ("float", struct.pack("<d", v))
    if isinstance(v, str):
        return ("str", v)
    if isinstance(v, (bytes, bytearray)):
        return ("bytes", bytes(v))
    if isinstance(v, (list, tuple)):
        return ("list", tuple(canon(x) for x in v))
    if isinstance(v, dict):
        return ("dict", frozenset((canon(k), canon(x)) for k, x in v.items()))
    if v is None:
        return ("none",)
    raise TypeError(f"unexpected value {v!r}")


def type_view(st: sproto.StructType) -> dict:
    """The ``types[]`` entry of schemas.jsonl / parse.jsonl, built from the public API."""
    fields = []
    for f in st.fields:
        view = {"name": f.name, "tag": f.tag, "type": f.type, "array": f.array}
        if f.decimal is not None:
            view["decimal"] = f.decimal
        if f.key is not None:
            view["key"], view["key_tag"] = f.key, f.key_tag
        if f.map:
            view["map"], view["value"] = True, f.value
        fields.append(view)
    return {"name": st.name, "fields": fields}


def protocol_view(p: sproto.Protocol) -> dict:
    """The ``protocols[]`` entry of schemas.jsonl / parse.jsonl."""
    return {"name": p.name, "tag": p.tag,
            "request": p.request.name if p.request else None,
            "response": p.response.name if p.response else None,
            "confirm": p.confirm}

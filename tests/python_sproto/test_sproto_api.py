"""Behaviour of the Python sproto API that the shared vectors do not pin down."""

from __future__ import annotations

import math
import random

import pytest

import vectors  # noqa: F401  (puts clients/python on sys.path)
import sproto

RPC = """
.package { type 0 : integer  session 1 : integer  ud 2 : string }
.Entry { id 0 : integer  name 1 : string }
.Pair { k 0 : string  v 1 : integer }
.Bag { by_id 0 : *Entry(id)  counts 1 : *Pair()  blob 2 : binary  text 3 : string
       price 4 : integer(2)  ratio 5 : double  ok 6 : boolean  ids 7 : *integer }
echo 1 { request { data 0 : string } response { data 0 : string } }
ping 2 {}
bye 3 { request { why 0 : string } response nil }
"""


@pytest.fixture(scope="module")
def schema():
    return sproto.parse(RPC)


def test_round_trip_python_types(schema):
    bag = {"by_id": {7: {"id": 7, "name": "x"}}, "counts": {"a": 1, "b": -5},
           "blob": b"\x00\xff", "text": "h\u00e9", "price": 12.34, "ratio": -0.0,
           "ok": False, "ids": [1, 1 << 40, -3]}
    back = schema.decode("Bag", schema.encode("Bag", bag))
    assert back["by_id"] == {7: {"id": 7, "name": "x"}}
    assert back["counts"] == {"a": 1, "b": -5}
    assert back["blob"] == b"\x00\xff" and back["text"] == "h\u00e9"
    assert back["price"] == 12.34 and math.copysign(1, back["ratio"]) == -1
    assert back["ok"] is False and back["ids"] == [1, 1 << 40, -3]


def test_map_accepts_lists_and_str_bytes_interchangeably(schema):
    as_dict = schema.encode("Bag", {"by_id": {1: {"id": 1}}, "counts": {"k": 2}, "blob": "ab"})
    as_list = schema.encode("Bag", {"by_id": [{"id": 1}], "counts": [("k", 2)], "blob": b"ab"})
    assert as_dict == as_list


def test_invalid_utf8_string_survives_round_trip(schema):
    raw = b"\xff\xfeok"
    text = schema.decode("Bag", schema.encode("Bag", {"text": raw}))["text"]
    assert isinstance(text, str) and text.encode("utf-8", "surrogateescape") == raw


@pytest.mark.parametrize("bad", [{"ok": 1}, {"ids": 5}, {"ids": [1.5]}, {"text": 3},
                                 {"price": "1"}, {"ids": [1 << 63]}, {"by_id": "x"}])
def test_ill_typed_values_are_rejected(schema, bad):
    with pytest.raises(sproto.EncodeError):
        schema.encode("Bag", bad)


def test_reply_consumes_the_pending_session(schema):
    client, server = sproto.Host(schema), sproto.Host(schema)
    send = client.attach(schema)
    req = server.dispatch(send("echo", {"data": "hi"}, session=9, ud="u"))
    assert req == ("REQUEST", "echo", {"data": "hi"}, req.responder, "u")
    assert client.pending_sessions == [9]
    reply = req.responder({"data": "yo"})
    assert client.dispatch(reply) == ("RESPONSE", 9, {"data": "yo"}, None)
    assert client.pending_sessions == []
    with pytest.raises(sproto.RpcError):
        client.dispatch(reply)


def test_push_has_no_responder_and_confirm_reply_has_no_args(schema):
    client, server = sproto.Host(schema), sproto.Host(schema)
    send = client.attach()
    kind, name, args, responder, ud = server.dispatch(send("ping"))
    assert (kind, name, args, responder, ud) == ("REQUEST", "ping", None, None, None)
    req = server.dispatch(send("bye", {"why": "done"}, session=1))
    with pytest.raises(sproto.EncodeError):
        req.responder({})                      # response nil carries no content
    assert client.dispatch(req.responder()).args is None


def test_request_argument_rules(schema):
    send = sproto.Host(schema).attach()
    with pytest.raises(sproto.EncodeError):
        send("echo")                           # echo needs args
    with pytest.raises(sproto.EncodeError):
        send("ping", {})                       # ping has no request type
    with pytest.raises(sproto.SprotoError):
        send("nope", {})


@pytest.mark.parametrize("text,line", [
    (".A {\n a 0 : integer\n b 1 integer\n}", 3),
    (".A { a 0 : integer }\n.B {\n  x 0 : Missing\n}", 3),
    (".A {}\n.A {}", 2),
    (".A {}.B {} .C {}", 1),                   # mixed separated/unseparated definitions
    (".A { a 0 : * integer }", 1),
    (".A { a 0 : integer (2) }", 1),
    (".A { a 0 : integer(10) }", 1),           # precision above 9 overflows the reference
    (".A { a 32767 : integer }", 1),
    (".A {}\np 1 { request{ } }", 2),
])
def test_schema_errors_report_the_line(text, line):
    with pytest.raises(sproto.SchemaError) as err:
        sproto.parse(text)
    assert err.value.line == line
    assert f"line {line}" in str(err.value)


def test_unseparated_tail_run_is_accepted():
    schema = sproto.parse(".A {} .B {}.C {}")
    assert list(schema.types) == ["A", "B", "C"]


def test_truncated_packet_is_a_decode_error(schema):
    with pytest.raises(sproto.DecodeError):
        sproto.unpack(b"\xff\x00\x01")
    with pytest.raises(sproto.DecodeError):
        schema.decode("Bag", b"\x01\x00\x00\x00\x09\x00\x00\x00")


def test_random_and_mutated_bytes_only_raise_sproto_errors(schema):
    rng = random.Random(7)
    seed = schema.encode("Bag", {"by_id": [{"id": 1, "name": "n"}], "counts": {"a": 1},
                                 "ids": [1, 1 << 40], "text": "t", "price": 1.5})
    for _ in range(3000):
        data = bytearray(seed)
        for _ in range(rng.randrange(1, 4)):
            data[rng.randrange(len(data))] = rng.choice([0, 1, 4, 8, 0xFF, rng.randrange(256)])
        del data[rng.randrange(len(data) + 1):]
        for attempt in (lambda: schema.decode("Bag", bytes(data)),
                        lambda: sproto.unpack(bytes(data)),
                        lambda: sproto.Host(schema).dispatch(bytes(data))):
            try:
                attempt()
            except sproto.SprotoError:
                pass

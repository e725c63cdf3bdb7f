#!/usr/bin/python3
"""Reads one callgrind dump: instructions per message delivered, and the functions that cost most.

    summary.py DUMP [--top N]

"Per message" divides by the calls to ws_connection::deliver_message in the dump (one per
WebSocket message the server received), so a dump of any length gives comparable figures.
"""
import argparse
import collections
import re
import sys

NAME = re.compile(r"^(c?fn)=\((\d+)\)(?: (.*))?$")
SHORTER = [
    ("boost::beast::websocket::stream<stratus::net::coalescing_stream, false>", "WS"),
    ("std::basic_string_view<char, std::char_traits<char> >", "string_view"),
    ("std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >", "string"),
    ("(anonymous namespace)", "(anon)"),
]


def read(path):
    """Self cost per function, calls made to each function, and the cost of the calls each
    function makes (its callees' inclusive cost), from a callgrind dump."""
    names, own, calls = {}, collections.Counter(), collections.Counter()
    called = collections.Counter()
    current = callee = None
    after_calls = False
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = NAME.match(line)
            if m:
                kind, key, name = m.groups()
                if name:
                    names[key] = name
                if kind == "fn":
                    current = names[key]
                else:
                    callee = names[key]
                continue
            if line.startswith("calls="):
                calls[callee] += int(line.split("=")[1].split()[0])
                after_calls = True
                continue
            if current and (line[:1].isdigit() or line[:1] in "+-*"):
                fields = line.split()
                if len(fields) < 2:
                    continue
                if after_calls:  # the cost line after calls= is the callee's, inclusive
                    after_calls = False
                    called[current] += int(fields[1])
                    continue
                own[current] += int(fields[1])
    return own, calls, called


def shorten(name):
    for long, short in SHORTER:
        name = name.replace(long, short)
    return name


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dump")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    own, calls, called = read(args.dump)
    deliver = [name for name in calls if "ws_connection::deliver_message" in name]
    messages = sum(calls[name] for name in deliver)
    if messages == 0:
        sys.exit(f"{args.dump}: no message was delivered in this dump")
    total = sum(own.values())
    handling = sum(own[name] + called[name] for name in deliver)
    print(f"{messages} messages, {total / messages:.0f} instructions per message (user space), "
          f"{handling / messages:.0f} of them in handling it (deliver_message: decode, handler, "
          f"reply; the rest is reading, the event loop and the flush, which vary with the batch "
          f"size)")
    for name, cost in own.most_common(args.top):
        print(f"{cost / messages:8.0f} {100 * cost / total:5.1f}%  {shorten(name)[:150]}")


if __name__ == "__main__":
    main()

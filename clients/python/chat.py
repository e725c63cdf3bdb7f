#!/usr/bin/python3
"""Chat with rooms and direct messages (wire.md "Direct messages and rooms"), in either mode.

Reads commands from standard input, one per line, and prints what arrives:
    /join ROOM          join a room (it becomes the current one)
    /leave ROOM         leave it
    /w USER TEXT        whisper to a user (protobuf: a userid; sproto: the user's name)
    /quit               leave (also at the end of input)
    TEXT                say TEXT in the current room

    /usr/bin/python3 clients/python/chat.py --account amy                 # sproto (the default)
    /usr/bin/python3 clients/python/chat.py --protocol protobuf --account amy --password pw
"""
import argparse
import asyncio
import sys

import stratus_pb as pb
import ws_client_sproto as wcs


def show(text):
    print(text, flush=True)


class ProtobufChat:
    def __init__(self, client):
        self.c = client

    @classmethod
    async def open(cls, args):
        client = await pb.Client.connect(args.url)
        me = await client.login(args.account, args.password)
        show(f"logged in as {args.account} (userid {me.userid})")
        return cls(client)

    async def pushes(self):
        while (m := await self.c.pushes.get()) is not None:
            if isinstance(m, pb.game_pb2.RoomNotice):
                show(f"[{m.room}] {m.from_userid}: {m.text}")
            elif isinstance(m, pb.game_pb2.Whisper):
                show(f"(whisper) {m.from_userid}: {m.text}")
            elif isinstance(m, pb.common_pb2.Kicked):
                show(f"kicked: {m.reason}")
            else:
                show(f"push {m.DESCRIPTOR.full_name}: {getattr(m, 'text', '')}")

    async def join(self, room):
        return (await self.c.request(pb.game_pb2.JoinReq, room=room)).members

    async def leave(self, room):
        await self.c.request(pb.game_pb2.LeaveReq, room=room)

    async def say(self, room, text):
        return (await self.c.request(pb.game_pb2.RoomSayReq, room=room, text=text)).delivered

    async def whisper(self, user, text):
        return (await self.c.request(pb.game_pb2.SayReq, to_userid=int(user), text=text)).delivered

    async def close(self):
        await self.c.close()


class SprotoChat:
    def __init__(self, client):
        self.c = client

    @classmethod
    async def open(cls, args):
        client = await wcs.SprotoClient.connect(args.url)
        await client.call("signin", {"userid": args.account})
        show(f"signed in as {args.account}")
        return cls(client)

    async def pushes(self):
        while True:
            name, a = await self.c.pushes.get()
            if name == "room_notice":
                show(f"[{a['room']}] {a['from']}: {a['text']}")
            elif name == "whisper":
                show(f"(whisper) {a['from']}: {a['text']}")
            elif name == "kicked":
                show(f"kicked: {a['reason']}")
            elif name == "push":
                show(f"push: {a['text']}")

    async def join(self, room):
        return (await self.c.call("join", {"room": room}))["members"]

    async def leave(self, room):
        await self.c.call("leave", {"room": room})

    async def say(self, room, text):
        return (await self.c.call("room_say", {"room": room, "text": text}))["delivered"]

    async def whisper(self, user, text):
        return (await self.c.call("say", {"to": user, "text": text}))["delivered"]

    async def close(self):
        await self.c.close()


async def run(args):
    chat = await (ProtobufChat if args.protocol == "protobuf" else SprotoChat).open(args)
    printer = asyncio.create_task(chat.pushes())
    loop = asyncio.get_running_loop()
    room = None
    try:
        while line := (await loop.run_in_executor(None, sys.stdin.readline)):
            line = line.strip()
            try:
                if not line:
                    continue
                if line == "/quit":
                    break
                cmd, _, rest = line.partition(" ")
                if cmd == "/join":
                    room = rest.strip()
                    show(f"joined {room} ({await chat.join(room)} members)")
                elif cmd == "/leave":
                    await chat.leave(rest.strip())
                    show(f"left {rest.strip()}")
                elif cmd == "/w":
                    user, _, text = rest.partition(" ")
                    ok = await chat.whisper(user, text)
                    show(f"whisper to {user}: {'delivered' if ok else 'not online'}")
                elif room is None:
                    show("join a room first: /join NAME")
                else:
                    await chat.say(room, line)
            except (pb.ErrorReply, wcs.ErrorReply) as e:
                show(f"error: {e}")
        await asyncio.sleep(0.2)  # what is still arriving
    finally:
        printer.cancel()
        await chat.close()
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--protocol", choices=("sproto", "protobuf"), default="sproto")
    parser.add_argument("--url", default="ws://127.0.0.1:8081/",
                        help="ws://HOST:PORT/ or tcp://HOST:PORT (default ws://127.0.0.1:8081/)")
    parser.add_argument("--account", required=True)
    parser.add_argument("--password", default="pw", help="protobuf mode's password")
    args = parser.parse_args()
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 0
    except (pb.FAILURES + wcs.FAILURES) as e:
        print(f"chat: {e or type(e).__name__}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

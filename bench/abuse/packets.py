"""The packets the bench sends and reads, in both wire formats (shared/specs/wire.md), built
with the project's Python clients (clients/python: stratus_pb, sproto)."""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "clients" / "python"))
sys.path.insert(0, str(ROOT / "tests" / "integration"))

import sproto  # noqa: E402
import stratus_pb  # noqa: E402
import ws_client_sproto  # noqa: E402

game_pb2 = stratus_pb.game_pb2
common_pb2 = stratus_pb.common_pb2


class Protobuf:
    """protobuf mode: u32 little-endian length || message with common.Header."""

    name = "protobuf"

    def login(self, session, account, password):
        return stratus_pb.frame(stratus_pb.request_message(
            game_pb2.LoginReq, session, account=account, password=password))

    def echo(self, session, token, data):
        return stratus_pb.frame(stratus_pb.request_message(game_pb2.EchoReq, session, token,
                                                           data=data))

    def parse(self, packet):
        """(session, kind, detail): kind is ok | error | push; detail the error code, token
        (LoginResp) or data (EchoResp)."""
        header, message = stratus_pb.decode(packet)
        if isinstance(message, common_pb2.Error):
            return header.session_id, "error", message.code
        if header.session_id == 0:
            return 0, "push", header.msg_type
        if isinstance(message, game_pb2.LoginResp):
            return header.session_id, "ok", message.token
        if isinstance(message, game_pb2.EchoResp):
            return header.session_id, "ok", message.data
        return header.session_id, "ok", b""


class Sproto:
    """sproto mode: u16 big-endian length || packed header and content; no passwords."""

    name = "sproto"

    def __init__(self):
        c2s, s2c = ws_client_sproto.load_schemas()
        self.host = sproto.Host(s2c)
        self.request = self.host.attach(c2s)

    def login(self, session, account, password):
        return ws_client_sproto.frame(self.request("signin", {"userid": account}, session=session))

    def echo(self, session, token, data):
        return ws_client_sproto.frame(self.request("echo", {"data": data}, session=session))

    def parse(self, packet):
        message = self.host.dispatch(ws_client_sproto.unframe(packet))
        if message[0] == "REQUEST":
            return 0, "push", message.name
        if message.ud is not None:
            return message.session, "error", message.ud
        args = message.args or {}
        if "ok" in args and not args["ok"]:
            return message.session, "error", "ok=false"
        return message.session, "ok", args.get("data", "")


def codec(protocol):
    """The packet codec of a protocol_type."""
    return Protobuf() if protocol == "protobuf" else Sproto()

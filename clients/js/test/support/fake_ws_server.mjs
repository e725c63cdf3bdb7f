// A minimal WebSocket server for protocol-level tests (RFC 6455 over Node's http upgrade):
// enough framing to play a stratus server whose behaviour each test scripts. Not a general
// WebSocket implementation: no extensions, no fragmentation of what it sends.
import { createHash } from "node:crypto";
import { createServer } from "node:http";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** One accepted connection. */
export class FakeConnection {
  constructor(socket) {
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.fragments = [];
    this.closed = false;
    /** Called with each binary message (a Uint8Array). */
    this.onMessage = () => {};
    /** Called once when the client's close frame arrives or the socket ends: (code). */
    this.onClose = () => {};
    this.closeCode = null;
    socket.on("data", (chunk) => this.read(chunk));
    socket.on("close", () => this.ended(this.closeCode ?? 1006));
    socket.on("error", () => {});
  }

  ended(code) {
    if (this.closed) return;
    this.closed = true;
    this.onClose(code);
  }

  read(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const fin = (b[0] & 0x80) !== 0;
      const opcode = b[0] & 0x0f;
      const masked = (b[1] & 0x80) !== 0;
      let len = b[1] & 0x7f;
      let at = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      const maskAt = at;
      if (masked) at += 4;
      if (b.length < at + len) return;
      const payload = Buffer.from(b.subarray(at, at + len));
      if (masked) for (let i = 0; i < len; i++) payload[i] ^= b[maskAt + (i % 4)];
      this.buffer = b.subarray(at + len);
      this.frame(fin, opcode, payload);
    }
  }

  frame(fin, opcode, payload) {
    if (opcode === 0x8) {
      this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      if (!this.closeSent) this.writeFrame(0x8, payload.subarray(0, 2));
      this.socket.end();
      this.ended(this.closeCode);
      return;
    }
    if (opcode === 0x9) return this.writeFrame(0xa, payload);
    if (opcode === 0xa) return;
    this.fragments.push(payload);
    if (!fin) return;
    const message = Buffer.concat(this.fragments);
    this.fragments = [];
    if (!this.closed) this.onMessage(new Uint8Array(message));
  }

  writeFrame(opcode, payload) {
    if (this.socket.destroyed) return;
    const len = payload.length;
    const head = len < 126 ? Buffer.from([0x80 | opcode, len])
      : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => { const x = Buffer.alloc(8); x.writeBigUInt64BE(BigInt(len)); return x; })()]);
    this.socket.write(Buffer.concat([head, Buffer.from(payload)]));
  }

  /** Sends one binary message. */
  send(bytes) {
    this.writeFrame(0x2, bytes);
  }

  /** Sends a close frame with code and reason, then ends the TCP connection. */
  close(code, reason = "") {
    this.closeSent = true;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    this.writeFrame(0x8, payload);
    this.socket.end();
  }

  /** Drops the TCP connection without a close frame (a network failure). */
  destroy() {
    this.socket.destroy();
  }
}

/** A listening fake server; `onConnection(conn)` scripts each accepted connection. */
export async function startFakeServer(onConnection) {
  const connections = [];
  const control = { refuse: 0 };
  const server = createServer((req, res) => res.writeHead(426).end());
  server.on("upgrade", (req, socket) => {
    if (control.refuse > 0) {
      control.refuse--;
      socket.end("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const key = req.headers["sec-websocket-key"];
    const accept = createHash("sha1").update(key + GUID).digest("base64");
    socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.setNoDelay(true);
    const conn = new FakeConnection(socket);
    connections.push(conn);
    onConnection(conn, connections.length - 1);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `ws://127.0.0.1:${port}/`,
    /** How many upgrade requests to refuse next (HTTP 503). */
    set refuse(n) { control.refuse = n; },
    get refuse() { return control.refuse; },
    connections,
    async stop() {
      for (const c of connections) c.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

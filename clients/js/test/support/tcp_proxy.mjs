// A loopback TCP proxy whose connections a test can cut without any WebSocket close frame,
// as a network failure would. hold() keeps new connections waiting (accepted, not forwarded)
// until release(), so a test decides when a client gets back.
import { createServer, connect } from "node:net";

export async function startTcpProxy(targetPort) {
  const pairs = new Set();
  let held = null; // connections waiting for release(), while holding
  const forward = (client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    const pair = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => { pairs.delete(pair); client.destroy(); upstream.destroy(); };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  };
  const server = createServer((client) => {
    if (!held) return forward(client);
    client.pause(); // what it sends stays buffered until release()
    client.on("error", () => client.destroy());
    held.push(client);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    port,
    url: `ws://127.0.0.1:${port}/`,
    /** Destroys every proxied connection (both sides, no close frames). */
    cut() {
      for (const [a, b] of pairs) { a.destroy(); b.destroy(); }
      pairs.clear();
    },
    /** New connections wait (accepted, nothing forwarded) until release(). */
    hold() {
      held ??= [];
    },
    /** Forwards the connections that waited, and every new one. */
    release() {
      const waiting = held ?? [];
      held = null;
      for (const client of waiting) if (!client.destroyed) forward(client);
    },
    async stop() {
      for (const client of held ?? []) client.destroy();
      held = null;
      this.cut();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

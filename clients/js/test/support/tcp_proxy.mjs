// A loopback TCP proxy whose connections a test can cut without any WebSocket close frame,
// as a network failure would.
import { createServer, connect } from "node:net";

export async function startTcpProxy(targetPort) {
  const pairs = new Set();
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    const pair = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => { pairs.delete(pair); client.destroy(); upstream.destroy(); };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `ws://127.0.0.1:${port}/`,
    /** Destroys every proxied connection (both sides, no close frames). */
    cut() {
      for (const [a, b] of pairs) { a.destroy(); b.destroy(); }
      pairs.clear();
    },
    async stop() {
      this.cut();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

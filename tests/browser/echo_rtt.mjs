// The echo round-trip as the demo page sees it: Chromium loads www/, logs in through the SDK,
// then sends 1,000 game.EchoReq (16 bytes) one after another; prints p50/p99/max in ms.
// `node echo_rtt.mjs [count]`; CTest `browser.echo_rtt` (label bench).
import { chromium } from "playwright-core";
import { missing, Stratus } from "./support/stratus.mjs";

const count = Number(process.argv[2] ?? 1000);
const why = missing();
if (why) throw new Error(why);

const server = await new Stratus({ protocol_type: "protobuf" }).start();
const browser = await chromium.launch({ executablePath: process.env.STRATUS_CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForSelector("body[data-ready=true]");
  await page.fill("#account", "bench");
  await page.fill("#password", "secret");
  await page.click("#login");
  await page.waitForSelector("#who:not([hidden])");
  const result = await page.evaluate(async (n) => {
    const game = window.demo.game;
    const data = new Uint8Array(16).fill(7);
    for (let i = 0; i < 50; i++) await game.echo(data);  // warm-up (JIT, buffers)
    const times = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await game.echo(data);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    return { n, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: times[times.length - 1] };
  }, count);
  const ms = (v) => v.toFixed(3);
  console.log(`browser echo round-trip over ${result.n} requests (Chromium ${browser.version()}, loopback, protobuf): ` +
    `p50 ${ms(result.p50)} ms, p90 ${ms(result.p90)} ms, p99 ${ms(result.p99)} ms, max ${ms(result.max)} ms`);
} finally {
  await browser.close();
  await server.dispose();
}

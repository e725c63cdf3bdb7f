// The demo page (www/) in a real Chromium against a real stratus: load, login, ping chart, chat,
// a dropped connection that resumes, a kick, a server restart (./run.sh -k, ./run.sh -D) with
// automatic re-login; sproto mode too. CTest `browser.demo`.
// STRATUS_SCREENSHOT=path saves the page after the restart there (npm run screenshot: docs/demo.png).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startTcpProxy } from "../../clients/js/test/support/tcp_proxy.mjs";
import { missing, Stratus } from "./support/stratus.mjs";

const CHROMIUM = process.env.STRATUS_CHROMIUM || "/usr/bin/chromium";
const why = missing();
if (why) throw new Error(why);

/** A page with its console errors collected (WebSocket failures only while allowed). */
async function openPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  const page = await context.newPage();
  page.errors = [];
  page.allowSocketErrors = false;
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (page.allowSocketErrors && /WebSocket connection to .* failed/.test(m.text())) return;
    page.errors.push(m.text());
  });
  page.on("pageerror", (e) => page.errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

async function login(page, account, password = "secret") {
  await page.fill("#account", account);
  if (await page.isVisible("#password")) await page.fill("#password", password);
  await page.click("#login");
  await page.waitForSelector("#who:not([hidden])", { timeout: 15_000 });
  return page.textContent("#userid");
}

const demo = (page, key) => page.evaluate((k) => window.demo[k], key);
/** Waits for predicate(arg) in the page; a timeout reports the page's state and event log. */
async function waitDemo(page, predicate, arg, timeout = 15_000) {
  try {
    return await page.waitForFunction(predicate, arg, { timeout, polling: 100 });
  } catch (e) {
    const state = await page.evaluate(() => JSON.stringify({ ...window.demo, info: undefined, game: window.demo.game?.status,
      rtts: window.demo.rtts.length })).catch((why) => String(why));
    const events = await page.$$eval("#log li", (lis) => lis.map((li) => li.textContent).reverse().join("\n")).catch(() => "");
    e.message += `\npage state: ${state}\npage events:\n${events}`;
    throw e;
  }
}

describe("browser demo, protobuf mode", { timeout: 180_000 }, () => {
  const server = new Stratus({ protocol_type: "protobuf" });
  let browser;
  let proxy;
  const pages = {};

  before(async () => {
    await server.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  after(async () => {
    await browser?.close();
    await proxy?.stop();
    await server.dispose();
  });

  test("the page and its assets load without console errors", async () => {
    const page = (pages.alice = await openPage(browser, server.url));
    assert.equal(await page.textContent("#mode"), "protobuf mode");
    assert.equal(await page.getAttribute("#status", "data-state"), "idle");
    await page.waitForTimeout(300);
    assert.deepEqual(page.errors, []);
  });

  test("two players log in and see their userids", async () => {
    pages.bob = await openPage(browser, server.url);
    const alice = await login(pages.alice, "alice");
    const bob = await login(pages.bob, "bob");
    assert.match(alice, /^\d+$/);
    assert.match(bob, /^\d+$/);
    assert.notEqual(alice, bob);
    assert.equal(await pages.alice.getAttribute("#status", "data-state"), "online");
    assert.match(await pages.alice.textContent("#log"), /logged in as alice/);
  });

  test("the ping chart updates live", async () => {
    const page = pages.alice;
    await waitDemo(page, () => Number(document.querySelector("#rtt-chart").dataset.samples) >= 3);
    assert.match(await page.textContent("#rtt-last"), /^\d+(\.\d+)? ms$/);
    const before = Number(await page.getAttribute("#rtt-chart", "data-samples"));
    await waitDemo(page, (n) => Number(document.querySelector("#rtt-chart").dataset.samples) > n, before);
  });

  test("chat: a room and a whisper", async () => {
    await waitDemo(pages.alice, () => window.demo.chat !== "idle");
    await waitDemo(pages.bob, () => window.demo.chat !== "idle");
    assert.equal(await demo(pages.alice, "chat"), "available");
    assert.equal(await pages.alice.isVisible("#chat-unavailable"), false);
    await pages.alice.fill("#say-text", "hello lobby");
    await pages.alice.click("#say");
    await pages.bob.waitForSelector("#messages li:has-text('hello lobby')");
    await pages.alice.waitForSelector("#messages li.mine:has-text('hello lobby')");
    await pages.bob.fill("#whisper-to", await pages.alice.textContent("#userid"));
    await pages.bob.fill("#whisper-text", "psst");
    await pages.bob.click("#whisper");
    await pages.alice.waitForSelector("#messages li.whisper:has-text('psst')");
    assert.match(await pages.alice.textContent("#log"), /whisper/);
  });

  test("a dropped connection (not the server): the page resumes and shows what it missed", async () => {
    // dora's page reaches the server through a TCP proxy that can cut its connection without a
    // close frame (a network failure) and keep her reconnect waiting until we let it through.
    proxy = await startTcpProxy(server.port);
    const dora = (pages.dora = await openPage(browser, `http://127.0.0.1:${proxy.port}/`));
    const doraId = await login(dora, "dora");
    await waitDemo(dora, () => window.demo.chat === "available");
    proxy.hold();
    proxy.cut();
    await dora.waitForSelector("#status[data-state=reconnecting]");
    // While she is away, a room message and a whisper: her session keeps them (wire.md, resume).
    await pages.alice.fill("#say-text", "dora, you missed this");
    await pages.alice.click("#say");
    await pages.alice.waitForSelector("#messages li.mine:has-text('dora, you missed this')");
    await pages.bob.fill("#whisper-to", doraId);
    await pages.bob.fill("#whisper-text", "welcome back, dora");
    await pages.bob.click("#whisper");
    await pages.bob.waitForSelector("#messages li.whisper.mine:has-text('welcome back, dora')");
    assert.doesNotMatch(await pages.bob.textContent("#log"), /not online/, "the whisper was delivered to her session");
    assert.equal(await demo(dora, "status"), "reconnecting");
    assert.equal(await dora.locator("#messages li:has-text('you missed this')").count(), 0);
    proxy.release();
    await waitDemo(dora, () => window.demo.resumes === 1 && window.demo.status === "online");
    await dora.waitForSelector("#banner[data-kind=ok]:has-text('session resumed')");
    assert.match(await dora.textContent("#log"), /session resumed on the new connection \(2 missed pushes replayed\)/);
    await dora.waitForSelector("#messages li:has-text('dora, you missed this')");
    await dora.waitForSelector("#messages li.whisper:has-text('welcome back, dora')");
    assert.equal(await demo(dora, "relogins"), 0);
    assert.equal(await dora.textContent("#userid"), doraId);
    // Still in the room after the resume: what is said now reaches her too.
    await pages.bob.fill("#say-text", "good to have you back");
    await pages.bob.click("#say");
    await dora.waitForSelector("#messages li:has-text('good to have you back')");
    assert.deepEqual(dora.errors, []);
  });

  test("a login elsewhere kicks the first page (Kicked, close 4001)", async () => {
    const userid = await pages.alice.textContent("#userid");
    pages.alice2 = await openPage(browser, server.url);
    assert.equal(await login(pages.alice2, "alice"), userid);
    await pages.alice.waitForSelector("#status[data-state=kicked]");
    await pages.alice.waitForSelector("#banner[data-kind=error]:not([hidden])");
    assert.match(await pages.alice.textContent("#banner"), /logged in elsewhere.*4001/);
    assert.match(await pages.alice.textContent("#log"), /kicked/i);
  });

  test("after a server restart (./run.sh -k, ./run.sh -D) the pages log in again by themselves", async () => {
    const live = [pages.bob, pages.alice2, pages.dora];
    const ids = await Promise.all(live.map((p) => p.textContent("#userid")));
    for (const p of live) p.allowSocketErrors = true;
    const before = server.pid;
    assert.equal(await server.stop(), 0);
    assert.match(server.output, /stopping stratus \(pid \d+\) \.\.\.\nstratus stopped\n$/);
    for (const p of live) {
      await p.waitForSelector("#status[data-state=reconnecting]");
      await p.waitForSelector("#banner[data-kind=warn]:not([hidden])");
    }
    await server.start();
    assert.notEqual(server.pid, before);
    assert.match(server.output, new RegExp(`stratus started as a daemon: pid ${server.pid}`));
    for (const [i, p] of live.entries()) {
      await waitDemo(p, () => window.demo.relogins + window.demo.resumes >= 1 && window.demo.status === "online", undefined, 30_000);
      assert.equal(await p.textContent("#userid"), ids[i]);
      assert.match(await p.textContent("#log"), /logged in again|session resumed/);
      const samples = Number(await p.getAttribute("#rtt-chart", "data-samples"));
      await waitDemo(p, (n) => Number(document.querySelector("#rtt-chart").dataset.samples) > n, samples);
    }
    // The kicked page stays signed out.
    assert.equal(await pages.alice.getAttribute("#status", "data-state"), "kicked");
    // A few more points on the chart (more for the picture in the README).
    await pages.bob.waitForTimeout(process.env.STRATUS_SCREENSHOT ? 3500 : 1500);
    const shot = process.env.STRATUS_SCREENSHOT || join(tmpdir(), "stratus-demo.png");
    await pages.bob.screenshot({ path: shot });
    for (const p of Object.values(pages)) assert.deepEqual(p.errors, [], "console errors");
  });
});

describe("browser demo, sproto mode (the shipped config)", { timeout: 120_000 }, () => {
  const server = new Stratus({ protocol_type: "sproto" });
  let browser;
  let proxy;

  before(async () => {
    await server.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  after(async () => {
    await browser?.close();
    await proxy?.stop();
    await server.dispose();
  });

  test("signin shows the userid, pings chart, the welcome push is logged", async () => {
    const page = await openPage(browser, server.url);
    assert.equal(await page.textContent("#mode"), "sproto mode");
    assert.equal(await page.isVisible("#password"), false);
    assert.equal(await login(page, "carol"), "carol");
    await page.waitForSelector("#log li[data-tag=push]:has-text('welcome, carol')");
    await waitDemo(page, () => Number(document.querySelector("#rtt-chart").dataset.samples) >= 2);
    await waitDemo(page, () => window.demo.chat !== "idle");
    assert.deepEqual(page.errors, []);
  });

  test("a dropped connection resumes with the signin token and shows what it missed", async () => {
    proxy = await startTcpProxy(server.port);
    const erin = await openPage(browser, `http://127.0.0.1:${proxy.port}/`);
    const frank = await openPage(browser, server.url);
    assert.equal(await login(erin, "erin"), "erin");
    assert.equal(await login(frank, "frank"), "frank");
    for (const p of [erin, frank]) await waitDemo(p, () => window.demo.chat === "available");
    proxy.hold();
    proxy.cut();
    await erin.waitForSelector("#status[data-state=reconnecting]");
    await frank.fill("#say-text", "erin, you missed this");
    await frank.click("#say");
    await frank.waitForSelector("#messages li.mine:has-text('erin, you missed this')");
    await frank.fill("#whisper-to", "erin");
    await frank.fill("#whisper-text", "welcome back, erin");
    await frank.click("#whisper");
    await frank.waitForSelector("#messages li.whisper.mine:has-text('welcome back, erin')");
    assert.doesNotMatch(await frank.textContent("#log"), /not online/);
    proxy.release();
    await waitDemo(erin, () => window.demo.resumes === 1 && window.demo.status === "online");
    // At least those two (the server's heartbeat pushes are numbered and replayed too).
    const replayed = Number(/session resumed on the new connection \((\d+) missed push/.exec(await erin.textContent("#log"))?.[1]);
    assert.ok(replayed >= 2, `replayed ${replayed}`);
    await erin.waitForSelector("#messages li:has-text('erin, you missed this')");
    await erin.waitForSelector("#messages li.whisper:has-text('welcome back, erin')");
    assert.equal(await demo(erin, "relogins"), 0);
    assert.deepEqual(erin.errors, []);
    assert.deepEqual(frank.errors, []);
  });
});

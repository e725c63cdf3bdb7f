// The demo page: log in, a live ping chart, pushes in a log, kicks, resume / re-login after a
// server restart, and a chat (rooms and whispers) when the server has it.
import { Game, isUnknownMessage, serverInfo } from "./session.js";
import { Sparkline } from "./sparkline.js";

const $ = (id) => document.getElementById(id);
const chart = new Sparkline($("rtt-chart"));

/** Page state; also read by the browser tests (window.demo). */
const demo = {
  info: null,
  game: null,
  account: "",
  password: "",
  userid: null,
  room: null,
  chat: "idle",       // idle | available | unavailable
  status: "idle",     // idle | connecting | online | reconnecting | resuming | kicked | closed
  reconnects: 0,
  resumes: 0,
  relogins: 0,
  rtts: [],
};
window.demo = demo;

// --- status, banner, log ----------------------------------------------------------------------

const STATUS_TEXT = {
  idle: "not connected", connecting: "connecting…", online: "online", reconnecting: "reconnecting…",
  resuming: "resuming…", kicked: "signed out", closed: "closed",
};

function setStatus(status, text) {
  demo.status = status;
  document.body.dataset.status = status;
  $("status").dataset.state = status;
  $("status").querySelector("span").textContent = text ?? STATUS_TEXT[status];
}

let bannerTimer = null;
function banner(kind, text, { action = false, hideAfterMs = 0 } = {}) {
  clearTimeout(bannerTimer);
  const b = $("banner");
  b.hidden = false;
  b.dataset.kind = kind;
  $("banner-text").textContent = text;
  $("banner-action").hidden = !action;
  if (hideAfterMs) bannerTimer = setTimeout(() => (b.hidden = true), hideAfterMs);
}
const hideBanner = () => {
  clearTimeout(bannerTimer);
  $("banner").hidden = true;
};

function log(tag, text) {
  const li = document.createElement("li");
  li.dataset.tag = tag;
  const time = document.createElement("time");
  time.textContent = new Date().toLocaleTimeString([], { hour12: false });
  const label = document.createElement("span");
  label.className = "tag";
  label.textContent = tag;
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  li.append(time, label, body);
  const list = $("log");
  list.prepend(li);
  while (list.children.length > 200) list.lastChild.remove();
}

function facts() {
  $("fact-reconnects").textContent = String(demo.reconnects);
  $("fact-resumes").textContent = String(demo.resumes);
  $("fact-relogins").textContent = String(demo.relogins);
}

// --- login ------------------------------------------------------------------------------------

async function loggedIn(game, again) {
  const r = await game.login(demo.account, demo.password);
  demo.userid = r.userid;
  $("userid").textContent = r.userid;
  $("who-account").textContent = demo.account;
  $("who-session").textContent = r.expiresIn ? `token valid ${Math.round(r.expiresIn / 60)} min` : "signed in";
  $("login-form").hidden = true;
  $("who").hidden = false;
  setStatus("online");
  $("fact-url").textContent = game.url;
  if (again) {
    demo.relogins++;
    facts();
    log("session", `the server did not know the session any more: logged in again as userid ${r.userid}`);
    banner("ok", `Server restarted: logged in again automatically (userid ${r.userid}).`, { hideAfterMs: 6000 });
  } else {
    log("session", `logged in as ${demo.account}: userid ${r.userid}`);
  }
  await joinRoom($("room").value.trim() || "lobby", { quiet: again });
}

async function login() {
  demo.account = $("account").value.trim();
  demo.password = $("password").value;
  if (!demo.account) return;
  $("login").disabled = true;
  hideBanner();
  setStatus("connecting");
  try {
    if (demo.game) demo.game.close();
    const game = await Game.open(demo.info, {
      relogin: (g) => loggedIn(g, true).catch((e) => log("error", `login again failed: ${describe(e)}`)),
    });
    demo.game = game;
    wire(game);
    await loggedIn(game, false);
  } catch (e) {
    setStatus("closed", "login failed");
    banner("error", `Login failed: ${describe(e)}`);
    log("error", `login failed: ${describe(e)}`);
  } finally {
    $("login").disabled = false;
  }
}

function logout() {
  demo.game?.close();
  demo.game = null;
  resetUser();
  setStatus("idle");
  log("session", "logged out");
}

function resetUser() {
  demo.userid = null;
  demo.room = null;
  $("who").hidden = true;
  $("login-form").hidden = false;
  setChat("idle");
}

// --- SDK events and pushes ---------------------------------------------------------------------

function wire(game) {
  const current = () => demo.game === game;
  game.onEvent("disconnected", ({ code, reason }) => {
    if (!current()) return;
    setStatus("reconnecting");
    log("connection", `lost (close ${code}${reason ? `, ${reason}` : ""}); reconnecting`);
    banner("warn", `Connection lost (${reason || `close ${code}`}). Reconnecting…`);
  });
  game.onEvent("reconnecting", ({ attempt, delayMs }) => {
    if (!current()) return;
    setStatus("reconnecting", `reconnecting (attempt ${attempt})`);
    if (attempt > 1) banner("warn", `Server unreachable. Retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s…`);
  });
  game.onEvent("open", ({ reconnect }) => {
    if (!current() || !reconnect) return;
    demo.reconnects++;
    facts();
    // After a resume the SDK says "resumed" first (online already); after RESUME_EXPIRED the
    // page logs in again next (loggedIn sets online).
    if (demo.status === "reconnecting") setStatus("resuming");
  });
  game.onEvent("resumed", ({ replayed }) => {
    if (!current()) return;
    demo.resumes++;
    facts();
    setStatus("online");
    log("session", `session resumed on the new connection (${replayed} missed push${replayed === 1 ? "" : "es"} replayed)`);
    banner("ok", "Reconnected: session resumed.", { hideAfterMs: 4000 });
  });
  game.onEvent("resume_expired", ({ code }) => {
    if (current()) log("session", `resume refused (${code}); logging in again`);
  });
  game.onEvent("kicked", ({ code, reason }) => {
    if (!current()) return;
    setStatus("kicked");
    chart.push(null);
    log("kicked", `${reason || "kicked"} (close ${code})`);
    banner("error", `Signed out: this account logged in elsewhere (${reason || "kicked"}, close ${code}).`, { action: true });
    setChat("idle");
  });
  game.onEvent("close", ({ code, reason }) => {
    if (current() && demo.status !== "kicked") {
      setStatus("closed");
      log("connection", `closed (${code} ${reason})`);
    }
  });
  game.onEvent("error", ({ error }) => {
    if (current()) log("error", describe(error));
  });
  game.onPush((p) => {
    if (!current()) return;
    switch (p.kind) {
      case "notice":
        return log("push", p.text);
      case "room":
        return message({ from: p.from, room: p.room, text: p.text });
      case "whisper":
        log("whisper", `from ${p.from}: ${p.text}`);
        return message({ from: p.from, text: p.text, whisper: true });
      case "kicked":
        return log("push", `Kicked: ${p.reason}`);
      case "heartbeat":
        return;
      default:
        return log("push", `${p.type} ${JSON.stringify(p.value, replacer)}`);
    }
  });
}

// --- ping chart -------------------------------------------------------------------------------

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function pingOnce() {
  const game = demo.game;
  if (!game || demo.userid === null || game.status !== "open") return;
  try {
    const ms = await game.ping();
    demo.rtts.push(ms);
    if (demo.rtts.length > 600) demo.rtts.shift();
    chart.push(ms);
    const sorted = [...demo.rtts].sort((a, b) => a - b);
    $("rtt-last").textContent = fmtMs(ms);
    $("rtt-p50").textContent = fmtMs(percentile(sorted, 0.5));
    $("rtt-p99").textContent = fmtMs(percentile(sorted, 0.99));
    $("rtt-count").textContent = String(chart.total);
  } catch {
    chart.push(null);
  }
}

const fmtMs = (ms) => (ms < 10 ? `${ms.toFixed(2)} ms` : `${Math.round(ms)} ms`);

// --- chat -------------------------------------------------------------------------------------

function setChat(state, note) {
  demo.chat = state;
  $("chat-card").dataset.chat = state;
  $("chat-unavailable").hidden = state !== "unavailable";
  const canJoin = demo.userid !== null && demo.status === "online" && state !== "unavailable";
  for (const id of ["room", "join"]) $(id).disabled = !canJoin;
  for (const id of ["leave", "say-text", "say", "whisper-to", "whisper-text", "whisper"]) {
    $(id).disabled = state !== "available";
  }
  $("chat-state").textContent = note ?? {
    idle: demo.userid === null ? "log in to chat" : "not in a room",
    available: demo.room ? `in #${demo.room}` : "not in a room",
    unavailable: "not available",
  }[state];
}

/** Runs a chat request; UNKNOWN_MESSAGE_TYPE means this server has no chat handlers. */
async function chat(what, run) {
  try {
    return await run(demo.game);
  } catch (e) {
    if (isUnknownMessage(e)) {
      if (demo.chat !== "unavailable") log("chat", "chat not available on this server (UNKNOWN_MESSAGE_TYPE)");
      setChat("unavailable");
    } else {
      log("error", `${what}: ${describe(e)}`);
    }
    return undefined;
  }
}

async function joinRoom(room, { quiet = false } = {}) {
  const members = await chat("join", (g) => g.join(room));
  if (members === undefined) return;
  demo.room = room;
  setChat("available", `in #${room} · ${members} member${members === 1 ? "" : "s"}`);
  if (!quiet) log("chat", `joined #${room} (${members} member${members === 1 ? "" : "s"})`);
}

function message({ from, room, text, whisper = false }) {
  const li = document.createElement("li");
  if (whisper) li.className = "whisper";
  if (from === String(demo.userid)) li.classList.add("mine");
  const who = document.createElement("span");
  who.className = "from";
  who.textContent = from === String(demo.userid) ? "you" : `user ${from}`;
  const where = document.createElement("span");
  where.className = "where";
  where.textContent = whisper ? "whisper" : `#${room}`;
  const body = document.createElement("span");
  body.className = "body";
  body.textContent = text;
  li.append(who, where, body);
  const list = $("messages");
  list.append(li);
  while (list.children.length > 100) list.firstChild.remove();
  list.scrollTop = list.scrollHeight;
}

// --- wiring -----------------------------------------------------------------------------------

function describe(e) {
  return e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? e);
}

function replacer(key, value) {
  if (key === "header") return undefined;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return value;
}

$("login-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  void login();
});
$("logout").addEventListener("click", logout);
$("banner-action").addEventListener("click", () => void login());
$("room-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const room = $("room").value.trim();
  if (room) void joinRoom(room);
});
$("leave").addEventListener("click", async () => {
  if (!demo.room) return;
  const room = demo.room;
  if ((await chat("leave", (g) => g.leave(room))) === undefined && demo.chat === "unavailable") return;
  demo.room = null;
  setChat("available", "not in a room");
  log("chat", `left #${room}`);
});
$("say-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const text = $("say-text").value.trim();
  if (!text || !demo.room) return;
  const reached = await chat("say", (g) => g.roomSay(demo.room, text));
  if (reached !== undefined) $("say-text").value = "";
});
$("whisper-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const to = $("whisper-to").value.trim();
  const text = $("whisper-text").value.trim();
  if (!to || !text) return;
  const delivered = await chat("whisper", (g) => g.whisper(to, text));
  if (delivered === undefined) return;
  $("whisper-text").value = "";
  message({ from: String(demo.userid), text: `→ ${to}: ${text}`, whisper: true });
  if (!delivered) log("chat", `user ${to} is not online: whisper not delivered`);
});

async function start() {
  setStatus("idle");
  setChat("idle");
  demo.info = await serverInfo();
  const sproto = demo.info.protocol === "sproto";
  $("mode").textContent = `${demo.info.protocol} mode`;
  $("password-row").hidden = sproto;
  $("login-hint").textContent = sproto
    ? "sproto demo: the account name is the userid (signin, no password)."
    : "The first login creates the account.";
  $("account").value = new URLSearchParams(location.search).get("account") ?? "";
  setInterval(pingOnce, 1000);
  document.body.dataset.ready = "true";
}

void start();

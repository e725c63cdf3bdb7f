// Small async helpers for tests.

/** Resolves with the next `event` of a client (rejects after ms). */
export function nextEvent(client, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`no ${event} event within ${ms} ms`)); }, ms);
    const off = client.onEvent(event, (e) => { clearTimeout(timer); off(); resolve(e); });
  });
}

/** Resolves with the next push of `type` (rejects after ms). */
export function nextPush(client, type, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`no ${type} push within ${ms} ms`)); }, ms);
    const off = client.on(type, (v) => { clearTimeout(timer); off(); resolve(v); });
  });
}

/** Polls until predicate() is true (rejects after ms). */
export async function until(predicate, ms = 5000, what = "condition") {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

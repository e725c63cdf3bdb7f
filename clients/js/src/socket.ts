// Opening one WebSocket with a timeout, in any implementation of the browser API.
import { StratusError } from "./errors.js";

/** The subset of the WebSocket API the client uses (browsers, Node >= 22, undici, ws, ...). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: any) => void) | null;
  onmessage: ((ev: { data: any }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: any) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * Resolves with an open WebSocket (binary messages as ArrayBuffer, no handlers set), or
 * rejects with CONNECT_FAILED when it errors, closes or is not open within timeoutMs.
 */
export function openWebSocket(WS: WebSocketConstructor, url: string, timeoutMs: number): Promise<WebSocketLike> {
  return new Promise((resolve, reject) => {
    let ws: WebSocketLike;
    try {
      ws = new WS(url);
    } catch (e) {
      reject(new StratusError("CONNECT_FAILED", `${url}: ${(e as Error).message}`));
      return;
    }
    ws.binaryType = "arraybuffer";
    const fail = (why: string) => {
      clearTimeout(timer);
      ws.onopen = ws.onclose = ws.onerror = ws.onmessage = null;
      reject(new StratusError("CONNECT_FAILED", `${url}: ${why}`));
    };
    const timer = setTimeout(() => {
      fail(`no connection within ${timeoutMs} ms`);
      try {
        ws.close();
      } catch {
        // not open yet
      }
    }, timeoutMs);
    ws.onerror = () => fail("WebSocket error");
    ws.onclose = (ev) => fail(`closed with ${ev.code} ${ev.reason}`);
    ws.onopen = () => {
      clearTimeout(timer);
      ws.onopen = ws.onclose = ws.onerror = null;
      resolve(ws);
    };
  });
}

// Dead-connection detection: ping after a quiet spell, give up after a long silence.

export interface HeartbeatOptions {
  /** Send a ping request after this long without traffic from the server (ms, default 10000). */
  intervalMs?: number;
  /** Treat the connection as dead after this long without traffic (ms, default 25000). */
  deadAfterMs?: number;
}

/** What the heartbeat needs from its connection. */
export interface HeartbeatHooks {
  /** Milliseconds since the server last sent anything. */
  silentMs(): number;
  /** Sends a ping request that times out after timeoutMs; any reply counts as traffic. */
  ping(timeoutMs: number): Promise<unknown>;
  /** The connection is silent for deadAfterMs. */
  dead(silentMs: number): void;
}

/** A timer per connection: checks four times per interval (at least every 20 ms). */
export class Heartbeat {
  private timer: ReturnType<typeof setInterval> | null = null;
  private pinging = false;

  constructor(private readonly options: HeartbeatOptions, private readonly hooks: HeartbeatHooks) {}

  start(): void {
    this.stop();
    const intervalMs = this.options.intervalMs ?? 10_000;
    const deadAfterMs = this.options.deadAfterMs ?? 25_000;
    const tick = Math.max(20, Math.min(intervalMs, deadAfterMs) / 4);
    this.timer = setInterval(() => {
      const silentMs = this.hooks.silentMs();
      if (silentMs >= deadAfterMs) {
        this.stop();
        this.hooks.dead(silentMs);
        return;
      }
      if (silentMs >= intervalMs && !this.pinging) {
        this.pinging = true;
        this.hooks.ping(deadAfterMs).catch(() => undefined).finally(() => (this.pinging = false));
      }
    }, tick);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.pinging = false;
  }
}

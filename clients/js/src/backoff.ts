// Reconnect delays: exponential, capped, with jitter so that a drained node's clients do not
// all come back in the same millisecond.

export interface BackoffOptions {
  /** Delay before the first retry, in ms (default 250). */
  initialMs?: number;
  /** Cap of the delay, in ms (default 10000). */
  maxMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Fraction of the delay that is random: 0.5 waits between 50% and 100% of it (default 0.5). */
  jitter?: number;
}

/** The delay before retry number `attempt` (1-based). */
export function backoffDelay(attempt: number, o: BackoffOptions = {}, random = Math.random): number {
  const initial = o.initialMs ?? 250;
  const max = o.maxMs ?? 10_000;
  const factor = o.factor ?? 2;
  const jitter = Math.min(1, Math.max(0, o.jitter ?? 0.5));
  const base = Math.min(max, initial * factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - jitter * random()));
}

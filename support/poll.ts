import { setTimeout as delay } from 'node:timers/promises';

const DEFAULT_DEADLINE_MS = 10_000;
const DEFAULT_INTERVAL_MS = 20;

/** Calls `probe` until `done` accepts its result or the deadline passes: no fixed sleeps. */
export async function pollUntil<T>(
  probe: () => Promise<T> | T,
  done: (value: T) => boolean,
  { deadlineMs = DEFAULT_DEADLINE_MS, intervalMs = DEFAULT_INTERVAL_MS, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await delay(intervalMs);
  }
}

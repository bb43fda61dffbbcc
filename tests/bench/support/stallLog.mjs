/**
 * A preload for a hub under a CPU profile (`node --import ./stallLog.mjs --cpu-prof …`): a 5 ms
 * interval that notes every gap between its turns longer than HUB_STALL_MIN_MS (100) as a JSON line
 * `{ startUs, endUs, ms }` in HUB_STALL_LOG. Times are process.hrtime in µs — the monotonic clock
 * the .cpuprofile's timestamps use — so the profile's samples inside a gap are what held the loop.
 * Plain JavaScript: it runs before tsx is loaded. Never reset, unlike the /metrics histogram.
 */
import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

// the hub's own event loop only: a preload runs in every worker too, and the store's thread may
// well hold its loop for seconds (a long query) without the hub being held at all
const file = isMainThread ? process.env.HUB_STALL_LOG : undefined;
const minUs = BigInt(Number(process.env.HUB_STALL_MIN_MS ?? 100) * 1000);
if (file) {
  let last = process.hrtime.bigint() / 1000n;
  setInterval(() => {
    const now = process.hrtime.bigint() / 1000n;
    if (now - last > minUs) {
      // a synchronous write after the stall, not during one: it costs the loop a few µs a stall
      appendFileSync(file, `${JSON.stringify({ startUs: Number(last), endUs: Number(now), ms: Number(now - last) / 1000 })}\n`);
    }
    last = now;
  }, 5).unref();
}

/**
 * The in-memory rate limiter's take on its own, in ns of CPU a take, over 10 000 keys' buckets
 * taken at random (as the HTTP rows ask for them): a change too small for the shared VM's HTTP
 * runs to tell apart (issue 27: the window kept on the bucket took it from ~88 to ~55 ns here).
 *
 *   npm run build:server
 *   node bench/limiter-take.mjs [checkout ...]      (this one by default; each one's dist/)
 */
import { resolve } from 'node:path';

for (const root of process.argv.length > 2 ? process.argv.slice(2) : ['.']) {
  const dist = resolve(root, 'dist');
  const { memoryRateLimiter } = await import(`${dist}/verify/rate-limits.js`);
  const { bucketsOf } = await import(`${dist}/modules/ratelimits/ratelimit-columns.js`);
  const limiter = memoryRateLimiter();
  const limits = [{ name: 'per-minute', limit: 1e9, durationMs: 60_000 }];
  const records = Array.from({ length: 10_000 }, (_, n) =>
    bucketsOf('key', `key_${n.toString(36).padStart(20, '0')}`, limits),
  );
  let seed = 7;
  const order = Int32Array.from({ length: 1 << 20 }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % records.length;
  });
  const now = Date.now();
  let used = 0;
  const round = () => {
    for (const index of order) used += limiter.take(records[index], 1, now).used[0];
  };
  for (let warm = 0; warm < 3; warm++) round();
  const times = [];
  for (let run = 0; run < 7; run++) {
    const before = process.cpuUsage();
    round();
    const spent = process.cpuUsage(before);
    times.push(((spent.user + spent.system) * 1000) / order.length);
  }
  times.sort((a, b) => a - b);
  console.log(`${root}: median ${times[3].toFixed(1)} ns a take (fastest ${times[0].toFixed(1)}), ${used} units taken`);
}

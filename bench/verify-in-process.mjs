/**
 * The cost of one verify with no HTTP around it (the function the route calls), on a cache hit
 * and for a malformed key, averaged over many calls after a warm-up.
 */
import { performance } from 'node:perf_hooks';
import { seededKeyward } from './fixture.mjs';

const { keyward, key } = await seededKeyward();
const N = Number(process.env.BENCH_VERIFY_CALLS ?? 200_000);

async function measure(name, input) {
  for (let i = 0; i < 20_000; i++) await keyward.verify(input);
  const start = performance.now();
  for (let i = 0; i < N; i++) await keyward.verify(input);
  const perCall = ((performance.now() - start) * 1000) / N;
  console.log(`| ${name} | ${perCall.toFixed(2)} µs |`);
}

console.log(`\n| in-process verify (${N} calls, no HTTP) | mean per call |\n|---|---:|`);
await measure('valid key + permission (cache hit)', { key, permission: 'functions.execute' });
await measure('valid key + action on a type (cache hit)', { key, action: 'run', resource: { type: 'apiFunction' } });
await measure('malformed key (refused before any lookup)', { key: 'kw_not-a-key' });
await keyward.close();

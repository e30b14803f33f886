/**
 * Turns V8's allocation-site pretenuring off in a process that serves (issue 27). V8 watches the
 * objects each literal makes, and once most of one literal's objects outlive a young-generation
 * collection it allocates all of that literal's later objects straight into the old generation.
 * The decision is rarely undone, and a literal whose objects mostly die young after all then fills
 * the old generation with garbage that keeps young objects alive until a full collection. In a
 * verify server that is a lasting state, not a moment (below).
 *
 * Measured (Node 20, 2-core VM, 2026-12-07; a server seeded with 10 000 plain and 10 000
 * rate-limited keys under wrk, start after start): with pretenuring on, 4 of 40 starts served in a
 * slow mode for their whole life: scavenges of 7-9 ms against 0.7-1.2, a full collection every
 * few seconds, and every request dearer (55-87 µs of server CPU against 33-48), plain keys as much
 * as rate-limited ones (the day before, 5 of 12 starts of a server of rate-limited keys only).
 * With it off, none in 22 starts. In the starts that were not slow, no difference this VM can
 * show. In two slow servers, V8's trace (switched on by signal) and gdb showed which pretenured
 * literals were still making objects: the key record's, the verify answer's and the key-cache
 * entry's in both, the usage counters' in one. Which of them starts the slow mode is not known.
 */
import { setFlagsFromString } from 'node:v8';

let stopped = false;

/**
 * Call before the process builds much: a decision taken before the flag is set stays. Left alone
 * where node was started with `--allocation-site-pretenuring` or its `--no-` form: the operator chose.
 * Idempotent.
 */
export function stopPretenuring(): void {
  if (stopped) return;
  stopped = true;
  if (process.execArgv.some((argument) => argument.includes('allocation-site-pretenuring'))) return;
  setFlagsFromString('--no-allocation-site-pretenuring');
}

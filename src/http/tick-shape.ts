/**
 * Keeps `process.nextTick` on its fast path for the life of the process. Node builds every tick
 * as the literal `{ [async_id_symbol], [trigger_async_id_symbol], callback, args }`, and V8
 * remembers the hidden classes (maps) that literal passes through only weakly, in nextTick's
 * feedback. A full garbage collection that finds no tick object alive (the server idle, the queue
 * empty: it happened 1-2 s after start, at the first major GC once serving) frees those maps; the
 * next tick builds new ones, the feedback no longer matches and V8 marks it megamorphic, which is
 * never undone. From then on every tick defines its four properties through the runtime
 * (`Runtime_DefineKeyedOwnPropertyInLiteral`, `JSObject::MigrateToMap`): ~3.7 % of the server's
 * CPU under a verify load. One object of the same shape, held for good, keeps the maps alive.
 *
 * Measured (Node 20, 2-core VM): a tick costs 350-550 ns after such a GC against 60-110 ns with the
 * shape kept, as without the GC; under wrk on POST /v1/verify, nextTick with what it calls took
 * 2.9-4.2 % of the server's perf samples in 7 of 11 starts without this, 0.3-1.2 % (and no
 * runtime defines) in 9 of 9 with it.
 */
import { AsyncResource } from 'node:async_hooks';

/** Held so that the tick objects' maps are never collected; never read. */
let pinned: object | undefined;

/**
 * Builds and keeps one object with exactly the tick literal's shape. Call it early, before much
 * has run: a map freed before this keeps its feedback megamorphic. Idempotent.
 */
export function keepTickObjectShape(): void {
  if (pinned !== undefined) return;
  // Node's own async-id symbols, the ones nextTick's literal uses; an AsyncResource carries both
  // (and nothing else) and starts no hook.
  const [asyncId, triggerId] = Object.getOwnPropertySymbols(new AsyncResource('KeywardTickShape'));
  if (asyncId === undefined || triggerId === undefined) return;
  // Same keys in the same order from the same kind of literal: the same maps. The ids are
  // fractional so the fields are doubles as Node's ids (read from a Float64Array) make them;
  // small integers would make a narrower field that Node's first tick would then deprecate.
  pinned = { [asyncId]: 0.5, [triggerId]: 0.5, callback: () => undefined, args: undefined };
}

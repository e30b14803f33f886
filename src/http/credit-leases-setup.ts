/**
 * A node's credit leases (issue 27 item 2, src/verify/credit-leases.ts): the spender verify
 * spends through, and the timer that gives back this node's expired leases and sweeps lost ones
 * of nodes that died holding them. Stopping gives back every lease held, so a graceful shutdown
 * strands no credit. `KEYWARD_CREDIT_LEASE_MS=0` turns leases off: one exact UPDATE per verify,
 * `remaining` exact across nodes (issue 17's spender).
 */
import type { Clock } from '../core/clock.js';
import { createLeasedSpender, type LeasedSpender } from '../verify/credit-leases.js';
import { createCreditSpender } from '../verify/credits.js';
import type { VerifyStore } from '../verify/verify-store.js';

export interface NodeCreditLeases {
  readonly spender: LeasedSpender;
  stop(): Promise<void>;
}

export function setUpCreditLeases(
  store: VerifyStore,
  lifetimeMs: number,
  clock: Clock,
  onError: (error: unknown) => void,
): NodeCreditLeases {
  if (lifetimeMs === 0) return { spender: exactSpender(store), stop: async () => undefined };
  const spender = createLeasedSpender(store, { lifetimeMs, now: () => clock.now(), onError });
  let sweeping: Promise<unknown> | null = null;
  // Twice a lifetime: an idle key's lease goes back at most half a lifetime after it expired.
  const timer = setInterval(
    () => {
      if (sweeping !== null) return;
      sweeping = spender
        .sweep(clock.now())
        .catch(onError)
        .finally(() => {
          sweeping = null;
        });
    },
    Math.max(50, Math.floor(lifetimeMs / 2)),
  );
  timer.unref();
  return {
    spender,
    async stop() {
      clearInterval(timer);
      await sweeping;
      await spender.close();
    },
  };
}

/** Without leases: every spend is the one conditional UPDATE, and no node holds anything. */
function exactSpender(store: VerifyStore): LeasedSpender {
  const exact = createCreditSpender(store);
  return {
    spend: exact.spend,
    unspent: () => 0,
    forget: () => undefined,
    forgetAll: () => undefined,
    sweep: async () => 0,
    close: async () => undefined,
  };
}

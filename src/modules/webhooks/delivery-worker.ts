/**
 * The delivery worker of one node: claims due deliveries (delivery-claims.repository.ts), sends
 * each signed (core/webhook-signature.ts) through the SSRF guard (webhook-sender.ts), and writes
 * the outcome: delivered, or due again after the retry schedule's next wait (with jitter), or dead
 * once the schedule is spent. It runs beside the request path, never in it: a request only writes
 * its outbox rows and wakes the worker. Stopping gives back the claims of sends cut short, so
 * another node takes them at once; a node that dies keeps them until their lease runs out.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { SecretBox } from '../../core/secret-box.js';
import { signWebhook } from '../../core/webhook-signature.js';
import type { Db } from '../../storage/database.js';
import type { DeliveryRow } from './deliveries.repository.js';
import { claimDue, recordAttempt, releaseClaims, type AttemptResult } from './delivery-claims.repository.js';
import { endpointSecrets } from './endpoint-secrets.js';
import type { EndpointRow } from './endpoints.repository.js';
import { attemptDelivery, type AttemptOutcome, type SenderOptions } from './webhook-sender.js';

export interface WorkerOptions extends SenderOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly secrets: SecretBox;
  readonly retryScheduleMs: readonly number[];
  readonly perEndpoint: number;
  readonly pollMs: number;
  readonly leaseMs: number;
  /** Storage failures of the worker (logged by the app; the next pass tries again). */
  readonly onError: (error: unknown) => void;
  /** Jitter's source (tests pin it); default Math.random. */
  readonly random?: () => number;
}

export interface DeliveryWorker {
  /** This node's name on its claims. */
  readonly nodeId: string;
  /** Looks for due deliveries now rather than at the next poll (a change committed on this node). */
  wake(): void;
  /** One pass: claims what is due and waits for those sends (tests; the loop runs passes by itself). */
  deliverDue(): Promise<number>;
  /** Stops claiming, cuts the sends in flight short and gives their claims back. */
  stop(): Promise<void>;
  /** Stops as a killed node would: nothing more is sent or written; its claims hold until their lease ends. */
  halt(): void;
}

/** The wait before retry `attempt` (1 = the first retry) with ±20% jitter, or null when the schedule is spent. */
export function retryDelay(scheduleMs: readonly number[], attempt: number, random: () => number): number | null {
  const base = scheduleMs[attempt - 1];
  if (base === undefined) return null;
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function startDeliveryWorker(options: WorkerOptions): DeliveryWorker {
  const nodeId = `node_${randomUUID()}`;
  const random = options.random ?? Math.random;
  const inFlight = new Map<string, { done: Promise<void>; abort: AbortController }>();
  let running: Promise<number> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let halted = false;

  const resultOf = (delivery: DeliveryRow, outcome: AttemptOutcome, now: number): AttemptResult => {
    if (outcome.delivered) return { kind: 'delivered', statusCode: outcome.statusCode ?? 200 };
    const wait = retryDelay(options.retryScheduleMs, delivery.attempts + 1, random);
    return {
      kind: 'failed',
      statusCode: outcome.statusCode,
      error: outcome.error ?? 'failed',
      retryAt: wait === null ? null : now + wait,
    };
  };

  const send = async (endpoint: EndpointRow, delivery: DeliveryRow, abort: AbortController): Promise<void> => {
    const now = options.clock.now();
    const headers = signWebhook(
      endpointSecrets(options.secrets, endpoint, now),
      delivery.message_id,
      Math.floor(now / 1000),
      delivery.payload,
    );
    const outcome = await attemptDelivery(endpoint.url, { ...headers }, delivery.payload, options, abort.signal);
    // Cut short by a stop (its claim is given back) or a halt (a dead node writes nothing).
    if (abort.signal.aborted) return;
    await recordAttempt(
      options.db,
      delivery,
      nodeId,
      resultOf(delivery, outcome, options.clock.now()),
      options.clock.now(),
    );
  };

  const pass = async (): Promise<number> => {
    const batches = await claimDue(options.db, {
      nodeId,
      now: options.clock.now(),
      leaseMs: options.leaseMs,
      perEndpoint: options.perEndpoint,
    });
    if (stopped) {
      // Stopped while claiming: a stopping node gives them back, a halted one keeps them as a dead node would.
      const ids = batches.flatMap((batch) => batch.deliveries.map((delivery) => delivery.id));
      if (!halted) await releaseClaims(options.db, ids, nodeId, options.clock.now());
      return 0;
    }
    const sends: Promise<void>[] = [];
    for (const { endpoint, deliveries } of batches) {
      for (const delivery of deliveries) {
        const abort = new AbortController();
        const done = send(endpoint, delivery, abort)
          .catch(options.onError)
          .finally(() => {
            inFlight.delete(delivery.id);
            // A finished send frees room at its endpoint and may unblock the next of its key.
            if (!stopped) schedule(0);
          });
        inFlight.set(delivery.id, { done, abort });
        sends.push(done);
      }
    }
    return sends.length;
  };

  // Asked for while a pass runs (a wake-up for a commit that pass may have missed): one more after it.
  let again = false;
  const runPass = (): Promise<number> => {
    if (running !== null) {
      again = true;
      return running;
    }
    running = pass().finally(() => {
      running = null;
      if (again) {
        again = false;
        schedule(0);
      }
    });
    return running;
  };

  function schedule(delayMs: number): void {
    if (stopped) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      runPass()
        .catch((error: unknown) => {
          options.onError(error);
          return 0;
        })
        .then((claimed) => schedule(claimed > 0 ? 0 : options.pollMs));
    }, delayMs);
    timer.unref();
  }

  // The first look after a poll interval: a node starting has nothing of its own to send yet.
  schedule(options.pollMs);
  return {
    nodeId,
    wake: () => schedule(0),
    deliverDue: async () => {
      // A pass already running (woken by a commit) may have claimed before the latest commit, and
      // joining it would leave what came after unsent: wait for it, then make this call's own pass.
      await running?.catch(() => 0);
      const claimed = await runPass();
      await Promise.all([...inFlight.values()].map((entry) => entry.done));
      return claimed;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await running?.catch(() => 0);
      const cut = [...inFlight.keys()];
      for (const entry of inFlight.values()) entry.abort.abort();
      await Promise.all([...inFlight.values()].map((entry) => entry.done));
      if (!halted) await releaseClaims(options.db, cut, nodeId, options.clock.now()).catch(options.onError);
    },
    halt: () => {
      halted = true;
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      for (const entry of inFlight.values()) entry.abort.abort();
    },
  };
}

/**
 * Builds the Keyward HTTP application from a configuration: storage, pepper, root key, the
 * verify cache and its change follower, and every route. `listen` is the caller's business
 * (see server.ts); tests use `app.inject()`.
 */
import { keepTickObjectShape } from './tick-shape.js';
import { createFastify, type FastifyParts } from './fastify-instance.js';
import { answerVerifiesFirst } from './verify-fast-path-setup.js';
import { verifyReplies } from './verify-replies.js';
import { requestIdGenerator } from '../core/ids.js';
import { secretBox } from '../core/secret-box.js';
import { systemClock } from '../core/clock.js';
import { ProblemSchema } from '../api/common.js';
import { createVerifier } from '../verify/verify.js';
import { setUpRateLimiter } from '../verify/rate-limiter-setup.js';
import { createResourceLookup } from '../verify/resource-lookup.js';
import type { VerifyStore } from '../verify/verify-store.js';
import { createVerifyStore } from '../modules/verify-store/verify-store.js';
import { openStorage } from '../storage/open-storage.js';
import { checkPepper, loadPepper } from '../modules/instance/pepper.js';
import { ensureRootKey } from '../modules/instance/root-key.js';
import type { ServiceDeps } from '../modules/deps.js';
import type { CacheLookups } from '../verify/authenticate.js';
import { nodeAuthenticator } from './authenticator-setup.js';
import { createKeyCache } from '../verify/key-cache.js';
import { createUsageRecorder } from '../verify/usage-recorder.js';
import { createImportPrefixes } from '../verify/import-prefixes.js';
import { applyChange, startChangeFollower, type ChangeFollower, type VerifyCaches } from '../verify/change-follower.js';
import type { RedisWakeups } from '../verify/redis-wakeups.js';
import { createChangeHub } from '../verify/change-hub.js';
import { listenForNodes, wakeOverRedis } from './change-notifications.js';
import { tiersOf } from './config.js';
import { databaseTimeouts, redisTimeouts } from './config-timeouts.js';
import { registerAuth } from './plugins/auth.js';
import { registerErrorHandlers } from './plugins/errors.js';
import { createFloodControl } from './flood-control.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerValidation } from './plugins/validation.js';
import { setRequestId } from './plugins/route-hooks.js';
import { logAccess } from './plugins/access-log.js';
import type { RouteContext } from './routes/context.js';
import { registerRoutes } from './routes/index.js';
import { createMetrics } from './metrics.js';
import { measureRequests } from './plugins/request-metrics.js';
import { outageLog } from './outage-log.js';
import { watchStorage } from './storage-health.js';
import { targetVisibility } from '../modules/target-visibility.js';
import { managementGates } from './gates.js';
import { startAuditChains } from '../modules/audit/audit.service.js';
import { keepAuditChains } from './audit-upkeep.js';
import { keepRollups } from './rollup-upkeep.js';
import type { WebhookRuntime } from '../modules/webhooks/webhooks-runtime.js';
import { startNodeWebhooks } from './webhooks-setup.js';
import { setUpSso } from './sso-setup.js';
import { setUpCreditLeases } from './credit-leases-setup.js';

import type { BuildOptions, Keyward } from './keyward.js';

export const VERSION = '0.1.0';

export type { BuildOptions, Keyward } from './keyward.js';

export async function buildApp(options: BuildOptions): Promise<Keyward> {
  // Every process that verifies, an embedding one too, keeps nextTick fast (tick-shape.ts).
  keepTickObjectShape();
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const timeouts = databaseTimeouts(config);
  const storage =
    options.storage ??
    (await openStorage({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      schema: config.databaseSchema,
      timeouts,
    }));
  const pepper = loadPepper(config.pepper, config.dataDir);
  await checkPepper(storage.db, pepper);
  // Before anything appends an event: the chains' MAC key, and old chains sealed under it once.
  const sealed = await startAuditChains(storage.db, pepper);

  const cache = createKeyCache({ ttlMs: config.keyCacheTtlMs, maxEntries: config.keyCacheMaxEntries });
  // Where configured, Redis pub/sub wakes the nodes sharing this storage too, as the storage's
  // own notifications do (started once the logger exists, below).
  let redis: RedisWakeups | null = null;
  // The follower starts after the routes; until then the node has read nothing it could be behind on.
  let follower: ChangeFollower | undefined;
  const cacheTrusted = (now: number = clock.now()): boolean =>
    follower === undefined || follower.stalenessMs(now) <= config.maxStalenessMs;
  // The verify path's one way to storage (issue 22): typed by verify's port, built on the repositories.
  const verifyStore: VerifyStore = createVerifyStore(storage.db, config.model);
  const resources = createResourceLookup({
    store: verifyStore,
    now: () => clock.now(),
    ttlMs: config.keyCacheTtlMs,
    maxEntries: config.keyCacheMaxEntries,
    cacheTrusted: () => cacheTrusted(),
  });
  const importPrefixes = createImportPrefixes(await verifyStore.importPrefixes());
  const credits = setUpCreditLeases(verifyStore, config.creditLeaseMs, clock, (error) =>
    storageOutage.failed('creditLease', error, 'credit lease write failed; its credits come back by the sweep'),
  );
  // Replicas (GET /v1/changes/stream) hear of each change applyChange sees, and that the node is fresh.
  const replicas = createChangeHub(config.changeStreamHeartbeatMs, () =>
    cacheTrusted() ? (follower?.stalenessMs(clock.now()) ?? 0) : null,
  );
  const caches: VerifyCaches = { keys: cache, resources, importPrefixes, credits: credits.spender, replicas };
  // While storage is away, each failure is said once, then counted (outage-log.ts).
  const storageOutage = outageLog('storage', {
    failure: (details, message) => app.log.error(details, message),
    recovery: (details, message) => app.log.info(details, message),
  });
  const usage = createUsageRecorder({
    store: verifyStore,
    intervalMs: config.usageFlushMs,
    maxEntries: config.usageFlushSize,
    onError: (error) =>
      storageOutage.failed('usageFlush', error, 'key usage flush failed; its counts are kept for the next'),
  });
  // Events out: started once the routes are, below; a commit on this node wakes its worker.
  let webhooks: WebhookRuntime | null = null;
  const previousPepper = config.pepperPrevious === undefined ? undefined : Buffer.from(config.pepperPrevious, 'utf8');
  const deps: ServiceDeps = {
    db: storage.db,
    clock,
    pepper,
    previousPepper,
    model: config.model,
    secrets: secretBox(pepper),
    auditMinRetentionDays: config.auditMinRetentionDays,
    ...(config.tiersFile === undefined ? {} : { tiers: tiersOf(config.tiersFile) }),
    notifyChanges: storage.notifyChanges,
    usage,
    credits: credits.spender,
    onCommitted: (changes) => {
      for (const change of changes) applyChange(caches, change);
      if (changes.length === 0) return;
      redis?.publish();
      webhooks?.committed();
    },
  };
  const rootKey = await ensureRootKey(deps, pepper, config.dataDir);
  const cacheLookups: CacheLookups = { hits: 0, misses: 0 };
  const authenticator = nodeAuthenticator(
    { lookups: cacheLookups, store: verifyStore, pepper, clock, cache, cacheTrusted, importPrefixes, previousPepper },
    () => app.log,
  );

  const parts: FastifyParts = { nextRequestId: requestIdGenerator(), fastPath: { taker: null } };
  const app = createFastify(config, options.logStream, parts);
  if (options.onRoute !== undefined) app.addHook('onRoute', options.onRoute);

  const redisBounds = redisTimeouts(config);
  redis = wakeOverRedis(config, redisBounds, storage.location, () => follower?.wake(), app.log);
  setRequestId(app);
  // Loaded only when on: a node without traces does not load the SDK at all.
  const tracing = config.otelTraces
    ? (await import('./tracing.js')).startTracing({
        version: VERSION,
        ...(options.spanExporter === undefined ? {} : { exporter: options.spanExporter }),
      })
    : null;
  tracing?.traceRoutes(app);
  const storageHealth = watchStorage(() => storage.ping(), storageOutage);
  if (config.accessLog > 0) logAccess(app, config.accessLog);
  registerValidation(app);
  registerErrorHandlers(app);
  app.addSchema(ProblemSchema);
  await registerOpenApi(app, VERSION);
  const floods = createFloodControl(config, storage.db, clock, (error) =>
    app.log.error({ err: error }, 'writing the refusal tally to the audit log failed'),
  );
  const sso = setUpSso(config, deps, pepper, clock);
  registerAuth(app, {
    db: storage.db,
    clock,
    authenticator,
    floods,
    gates: managementGates({ db: storage.db, model: config.model }),
    targets: targetVisibility({ db: storage.db, model: config.model }),
    sessions: sso.sessions,
  });

  const rateLimits = setUpRateLimiter(config, redisBounds, {
    info: (message) => app.log.info(message),
    warn: (details, message) => app.log.warn(details, message),
  });
  const verifierDeps = {
    authenticator,
    clock,
    clientCacheTtlMs: config.clientCacheTtlMs,
    model: config.model,
    resources,
    usage,
    rateLimits: rateLimits.limiter,
    credits: credits.spender,
  };
  // The routes send verdicts as JSON; an embedding caller keeps them as objects.
  const verify = createVerifier({ ...verifierDeps, repliesAsJson: true });
  const verifyInProcess = createVerifier(verifierDeps);
  const metrics = createMetrics({
    cacheLookups,
    storage: storageHealth,
    keyCacheEntries: () => cache.size,
    resourceCacheEntries: () => resources.size,
    changeLogSeq: () => follower?.lastSeq ?? 0,
    stalenessMs: () => follower?.stalenessMs(clock.now()) ?? 0,
    usagePendingEntries: () => usage.pendingEntries(),
    redis: rateLimits.redis,
  });
  measureRequests(app, metrics);
  const replies = verifyReplies({ metrics, floods, storageOutage, log: (reqId) => app.log.child({ reqId }) });
  let stopping = false;
  const context: RouteContext = {
    deps,
    verify,
    verifyReplies: replies,
    fresh: () => cacheTrusted(),
    changes: replicas,
    usage,
    ping: storage.ping,
    metrics,
    floods,
    redis: rateLimits.redis,
    storageOutage,
    stopping: () => stopping,
    webhooks: { allowPrivate: config.webhookAllowPrivate, wake: () => webhooks?.wake() },
    config,
    csrf: sso.csrf,
    sso: sso.routes,
  };
  await registerRoutes(app, context);
  answerVerifiesFirst(app, config, parts, { verify, replies });

  follower = await startChangeFollower(
    storage.db,
    caches,
    config.changePollMs,
    (error) => storageOutage.failed('changeLogRead', error, 'change log read failed'),
    () => clock.now(),
    { caughtUp: () => storageOutage.answered(), lagMs: (ms) => metrics.observeChangeLag(ms / 1000) },
  );
  const following = follower;
  // Nodes sharing PostgreSQL wake each other's followers (change-notifications.ts).
  const listener = await listenForNodes(
    config,
    storage,
    timeouts,
    () => following.wake(),
    () => app.log,
  );
  const audit = keepAuditChains(deps, config, sealed, app.log);
  const rollups = keepRollups(storage.db, config, clock, app.log);

  const events = startNodeWebhooks(config, { db: storage.db, clock, secrets: deps.secrets, log: app.log });
  webhooks = events;

  let closed = false;
  return {
    app,
    storage,
    rootKey,
    cache,
    follower: following,
    pruneAudit: audit.run,
    pruneRollups: rollups.run,
    usage,
    webhooks: events,
    verify: async (input, sourceIp) => verifyInProcess(input, sourceIp),
    markStopping: () => {
      stopping = true;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      following.stop();
      replicas.stop();
      storageHealth.stop();
      await listener?.stop();
      await redis?.stop();
      rateLimits.stop();
      audit.stop();
      rollups.stop();
      await app.close();
      // Claims of sends cut short go back to the outbox, for this node's successor or another.
      await events.stop();
      // After the in-flight requests drained (their verifies counted), before the storage goes;
      // side by side, so that a silent database costs a shutdown one query bound, not two.
      const flushed = usage
        .close()
        .catch((error: unknown) =>
          app.log.error({ err: error }, 'key usage flush at shutdown failed; its counts are lost'),
        );
      // Every lease held goes back: a graceful shutdown strands no credit.
      const returned = credits
        .stop()
        .catch((error: unknown) =>
          app.log.error({ err: error }, 'credit leases not given back at shutdown; the sweep will'),
        );
      await Promise.all([floods.refusals.close(), flushed, returned, tracing?.shutdown()]);
      if (options.storage === undefined) await storage.close();
    },
  };
}

/**
 * `keyward doctor`'s checks of what a node depends on besides its database, each bounded: Redis
 * (connect and PING within the node's own Redis bounds; configured but unreachable fails, since
 * rate limits would then fall back on every node), the tiers file, and the OpenTelemetry
 * collector when traces are on (a warning: traces are best-effort).
 */
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import type { Config } from '../http/config.js';
import { loadTiers } from '../modules/ratelimits/tiers.js';

export type Check = { readonly ok: boolean | 'warn'; readonly name: string; readonly detail: string };

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Rejects after `ms`: a bound on the whole check, whatever a client library does. */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}

/** Where the URL names a password, it is not shown. */
function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured Redis';
  }
}

async function redisCheck(config: Config, url: string): Promise<Check> {
  const shown = redactRedisUrl(url);
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: config.redisConnectTimeoutMs,
    commandTimeout: config.redisCommandTimeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await within(redis.connect(), config.redisConnectTimeoutMs + 500, 'Redis');
    const started = performance.now();
    await within(redis.ping(), config.redisCommandTimeoutMs + 500, 'Redis');
    return {
      ok: true,
      name: 'redis',
      detail: `reached ${shown}, PING in ${(performance.now() - started).toFixed(1)} ms`,
    };
  } catch (error) {
    return {
      ok: false,
      name: 'redis',
      detail: `could not reach ${shown} (KEYWARD_REDIS_URL): ${message(error)}; rate limits would fall back to each node's share`,
    };
  } finally {
    redis.disconnect();
  }
}

function tiersCheck(path: string): Check {
  try {
    return { ok: true, name: 'tiers', detail: `${Object.keys(loadTiers(path)).length} tiers in ${path}` };
  } catch (error) {
    return { ok: false, name: 'tiers', detail: message(error) };
  }
}

/** The collector's address as the OTLP exporter reads it from the environment. */
function collectorUrl(env: NodeJS.ProcessEnv): URL {
  return new URL(
    env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? 'http://localhost:4318',
  );
}

async function collectorCheck(env: NodeJS.ProcessEnv): Promise<Check> {
  const url = collectorUrl(env);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const where = `${url.hostname}:${port}`;
  try {
    await within(
      new Promise<void>((resolve, reject) => {
        const socket = connect({ host: url.hostname, port }, () => {
          socket.end();
          resolve();
        });
        socket.on('error', reject);
      }),
      2000,
      'the collector',
    );
    return { ok: true, name: 'traces', detail: `the OTLP collector at ${where} accepts connections` };
  } catch (error) {
    return {
      ok: 'warn',
      name: 'traces',
      detail: `KEYWARD_OTEL_TRACES is on but ${where} does not accept connections (${message(error)}); spans would be dropped`,
    };
  }
}

export async function dependencyChecks(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  const checks: Promise<Check>[] = [];
  if (config.redisUrl !== undefined) checks.push(redisCheck(config, config.redisUrl));
  if (config.tiersFile !== undefined) checks.push(Promise.resolve(tiersCheck(config.tiersFile)));
  if (config.otelTraces) checks.push(collectorCheck(env));
  return Promise.all(checks);
}

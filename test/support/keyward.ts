/**
 * A Keyward app on an isolated database, driven in-process with `inject`, its log captured so
 * tests can search it. `client(key)` sends requests as a key and returns status, headers, body.
 */
import { Writable } from 'node:stream';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Clock } from '../../src/core/clock.js';
import { defaultModel } from '../../src/core/model/load-model.js';
import type { AuthModel } from '../../src/core/model/model.js';
import { buildApp, type BuildOptions, type Keyward } from '../../src/http/app.js';
import { loadConfig, type Config } from '../../src/http/config.js';
import type { IsolatedDatabase, TestDatabase } from './databases.js';

/** Every named permission and, per type, its widest role: what a tenant's all-powerful admin key holds. */
export function everyGrant(model: AuthModel): { permissions: string[]; scopes: string[] } {
  const scopes = [...model.types.values()].map((type) => {
    const widest = [...type.roles].sort(
      (a, b) => (model.roles.get(b)?.actions.size ?? 0) - (model.roles.get(a)?.actions.size ?? 0),
    )[0];
    return `${type.name}:${widest}`;
  });
  return { permissions: [...model.permissions.keys()], scopes };
}

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  // `any` on purpose, in test support only: tests read arbitrary JSON bodies and each
  // assertion names the field it expects.
  readonly body: any;
}

export interface Client {
  get(path: string): Promise<Reply>;
  post(path: string, body?: unknown): Promise<Reply>;
  patch(path: string, body: unknown): Promise<Reply>;
  delete(path: string): Promise<Reply>;
  /** A request with full control of headers and raw payload. */
  raw(options: { method: string; path: string; headers?: Record<string, string>; payload?: string }): Promise<Reply>;
}

export interface TestKeyward {
  readonly keyward: Keyward;
  readonly database: IsolatedDatabase;
  readonly rootKey: string;
  readonly root: Client;
  /** Every line the server logged so far. */
  logText(): string;
  client(key?: string): Client;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly clock?: Clock;
  readonly config?: Partial<Config>;
  readonly onQuery?: (sql: string) => void;
  /** With `config.otelTraces`: where spans go (test/http/tracing.test.ts). */
  readonly spanExporter?: SpanExporter;
  /** Sees every route as the app adds it (see route-table.ts). */
  readonly onRoute?: BuildOptions['onRoute'];
}

export async function startKeyward(db: TestDatabase, options: StartOptions = {}): Promise<TestKeyward> {
  const database = await db.open(options.onQuery === undefined ? {} : { onQuery: options.onQuery });
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  // Every request is logged (the access log on), so the tests that search the log for secrets
  // search every request's line; the default (off) is tested in test/http/access-log.test.ts.
  const config = loadConfig(
    {},
    {
      dataDir: database.dataDir,
      logLevel: 'info',
      accessLog: 1,
      changePollMs: 60_000,
      maxStalenessMs: 86_400_000,
      // Events out only when a test queues some (a commit that wrote the outbox wakes the worker)
      // or asks: no background statement lands in a test that counts them.
      webhookPollMs: 60_000,
      webhookScanMs: 86_400_000,
      ...options.config,
    },
  );
  const keyward = await buildApp({
    config,
    storage: database.storage,
    logStream,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.spanExporter ? { spanExporter: options.spanExporter } : {}),
    ...(options.onRoute ? { onRoute: options.onRoute } : {}),
  });
  const rootKey = keyward.rootKey.createdKey;
  if (rootKey === null) throw new Error('a fresh database must create a root key');

  const client = (key?: string): Client => {
    const send = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
      payload?: string,
    ): Promise<Reply> => {
      const response = await keyward.app.inject({
        method: method as 'GET',
        url: path,
        headers: {
          ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(payload !== undefined ? { payload } : body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      const text = response.body;
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON (e.g. /docs HTML): keep the text
      }
      return { status: response.statusCode, headers: response.headers, body: parsed };
    };
    return {
      get: (path) => send('GET', path),
      post: (path, body) => send('POST', path, body ?? {}),
      patch: (path, body) => send('PATCH', path, body),
      delete: (path) => send('DELETE', path),
      raw: ({ method, path, headers, payload }) => send(method, path, undefined, headers, payload),
    };
  };

  return {
    keyward,
    database,
    rootKey,
    root: client(rootKey),
    logText: () => lines.join(''),
    client,
    close: async () => {
      await keyward.close();
      await database.cleanup();
    },
  };
}

export interface Seeded {
  readonly tenantId: string;
  readonly environmentId: string;
  readonly adminUserId: string;
  /** An admin key holding every named permission (users.manage and tenant.manage included). */
  readonly adminKey: string;
  readonly adminKeyId: string;
  readonly admin: Client;
}

/** A tenant with one environment, one admin user and an admin key that manages both. */
export async function seedTenant(kw: TestKeyward, name = 'Acme'): Promise<Seeded> {
  // Tenant names are unique (issue 26): a suite seeding "Acme" twice gets "Acme 2"; the user's
  // email keeps the name asked, which is unique per tenant only.
  let tenant = await kw.root.post('/v1/tenants', { name });
  for (let n = 2; tenant.status === 409 && tenant.body.field === 'name'; n++)
    tenant = await kw.root.post('/v1/tenants', { name: `${name} ${n}` });
  const environment = await kw.root.post('/v1/environments', { tenantId: tenant.body.id, name: 'prod' });
  const user = await kw.root.post('/v1/users', {
    tenantId: tenant.body.id,
    name: 'Ada',
    email: `ada@${name.toLowerCase()}.example`,
    role: 'admin',
  });
  const key = await kw.root.post('/v1/keys', {
    environmentId: environment.body.id,
    name: 'admin',
    kind: 'user',
    userId: user.body.id,
    admin: true,
    ...everyGrant(defaultModel()),
  });
  for (const reply of [tenant, environment, user, key]) {
    if (reply.status !== 201) throw new Error(`seeding failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  return {
    tenantId: tenant.body.id,
    environmentId: environment.body.id,
    adminUserId: user.body.id,
    adminKey: key.body.key,
    adminKeyId: key.body.id,
    admin: kw.client(key.body.key),
  };
}

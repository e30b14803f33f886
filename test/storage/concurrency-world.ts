/**
 * Where the concurrency contract runs: Keyward on one database with a tenant, its environment
 * and an admin key holding every grant. On PostgreSQL, two nodes on one schema, each with its own
 * pool, as two servers behind a load balancer; on SQLite, one node (its deployment: one process
 * and the file's single writer). Requests are in-process (`inject`), each trial from its own
 * source address so that refused attempts never add up to the failed-authentication throttle.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_PATH, loadModelFile } from '../../src/core/model/load-model.js';
import type { AuthModel } from '../../src/core/model/model.js';
import type { Keyward } from '../../src/http/app.js';
import type { Config } from '../../src/http/config.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/storage/database.js';
import { cluster } from '../support/cluster.js';
import type { TestDatabase } from '../support/databases.js';
import { everyGrant, startKeyward, type Reply } from '../support/keyward.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One Keyward node, called as a key. */
export interface RaceNode {
  /** `key` '' sends no bearer (a session cookie in `headers` instead). */
  call(method: Method, path: string, key: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
}

export interface RaceWorld {
  readonly database: TestDatabase['name'];
  /** The node the first write goes to, and the one the second goes to (the same one on SQLite). */
  readonly nodes: readonly [RaceNode, RaceNode];
  readonly rootKey: string;
  readonly tenantId: string;
  readonly environmentId: string;
  /** An admin key of the tenant holding every grant (users.manage and tenant.manage included). */
  readonly adminKey: string;
  /** A name no other object of this world has. */
  unique(prefix: string): string;
  /** `POST path` as the admin key on the first node: the created object, or the setup fails. */
  make(path: string, body: unknown): Promise<Reply['body']>;
  /** `GET path` as the admin key on the first node. */
  read(path: string): Promise<Reply>;
  /** The shared storage, for rows no route writes directly (a session in the middle of its sign-in). */
  readonly db: Kysely<Database>;
  /** The nodes' pepper (set, so that a race can make a session's CSRF token). */
  readonly pepper: string;
  close(): Promise<void>;
}

/**
 * The default model and one type that nests in itself (`folder`), so that two moves can try to
 * close a cycle between them; the default's types nest only downwards.
 */
function modelWithFolders(dir: string): AuthModel {
  const text = readFileSync(DEFAULT_MODEL_PATH, 'utf8').replace(
    /^types:\n/m,
    'types:\n  folder: { roles: [viewer, editor, owner], topLevel: true, parents: [folder] }\n',
  );
  const path = join(dir, 'model.yaml');
  writeFileSync(path, text);
  return loadModelFile(path);
}

function nodeOf(keyward: Keyward, source: () => string): RaceNode {
  return {
    async call(method, path, key, body, headers = {}) {
      const response = await keyward.app.inject({
        method,
        url: path,
        remoteAddress: source(),
        headers: {
          ...(key === '' ? {} : { authorization: `Bearer ${key}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      return {
        status: response.statusCode,
        headers: response.headers,
        body: response.body === '' ? undefined : response.json(),
      };
    },
  };
}

const RACE_PEPPER = 'race-world-pepper-0123456789abcdefghijklmnop';

export async function openRaceWorld(database: TestDatabase, postgresUrl: string | null): Promise<RaceWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-races-'));
  const model = modelWithFolders(dir);
  const config: Partial<Config> = { model, authFailureLimit: 1_000_000, pepper: RACE_PEPPER };
  let sources = 0;
  // A new address for every call: 10.x.y.z from a counter.
  const source = (): string => {
    sources += 1;
    return `10.${(sources >> 16) & 255}.${(sources >> 8) & 255}.${sources & 255}`;
  };
  let nodes: readonly [RaceNode, RaceNode];
  let rootKey: string;
  let close: () => Promise<void>;
  let db: Kysely<Database>;
  if (database.name === 'postgres') {
    if (postgresUrl === null) throw new Error('PostgreSQL races need a database URL');
    const shared = cluster(postgresUrl);
    const first = await shared.start({ config });
    const second = await shared.start({ config });
    rootKey = first.keyward.rootKey.createdKey as string;
    nodes = [nodeOf(first.keyward, source), nodeOf(second.keyward, source)];
    db = first.keyward.storage.db;
    close = () => shared.close();
  } else {
    const kw = await startKeyward(database, { config });
    rootKey = kw.rootKey;
    const only = nodeOf(kw.keyward, source);
    nodes = [only, only];
    db = kw.keyward.storage.db;
    close = () => kw.close();
  }
  const [first] = nodes;
  let names = 0;
  const expectCreated = (reply: Reply, what: string): Reply['body'] => {
    if (reply.status !== 201 && reply.status !== 200)
      throw new Error(`setup: ${what} answered ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const tenant = expectCreated(await first.call('POST', '/v1/tenants', rootKey, { name: 'Races' }), 'tenant');
  const environment = expectCreated(
    await first.call('POST', '/v1/environments', rootKey, { tenantId: tenant.id, name: 'prod' }),
    'environment',
  );
  const user = expectCreated(
    await first.call('POST', '/v1/users', rootKey, {
      tenantId: tenant.id,
      name: 'Ada',
      email: 'ada@races.example',
      role: 'admin',
    }),
    'user',
  );
  const admin = expectCreated(
    await first.call('POST', '/v1/keys', rootKey, {
      environmentId: environment.id,
      name: 'admin',
      kind: 'user',
      userId: user.id,
      admin: true,
      ...everyGrant(model),
    }),
    'admin key',
  );
  return {
    database: database.name,
    nodes,
    rootKey,
    tenantId: tenant.id,
    environmentId: environment.id,
    adminKey: admin.key,
    unique: (prefix) => `${prefix}-${++names}`,
    make: async (path, body) => expectCreated(await first.call('POST', path, admin.key, body), `POST ${path}`),
    read: (path) => first.call('GET', path, admin.key),
    db,
    pepper: RACE_PEPPER,
    close: async () => {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

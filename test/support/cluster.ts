/**
 * Keyward nodes sharing one PostgreSQL schema, built in-process as `keyward serve` builds them
 * (each opens its own pool from `KEYWARD_DATABASE_URL`), for tests of several nodes: a start at
 * the same instant, a lost database link. Each node's log is captured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { newTestSchema } from './test-schemas.js';
import type { Clock } from '../../src/core/clock.js';
import { buildApp, type Keyward } from '../../src/http/app.js';
import { loadConfig, type Config } from '../../src/http/config.js';

export interface Node {
  readonly keyward: Keyward;
  logText(): string;
  call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    key: string | null,
    payload?: unknown,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: any }>;
}

export interface Cluster {
  readonly schema: string;
  readonly pepper: string;
  /** A node on `databaseUrl` (default: the cluster's own), with its own data directory. */
  start(options?: { databaseUrl?: string; config?: Partial<Config>; clock?: Clock }): Promise<Node>;
  close(): Promise<void>;
}

export function cluster(databaseUrl: string): Cluster {
  const schema = newTestSchema();
  const pepper = randomBytes(32).toString('base64url');
  const root = mkdtempSync(join(tmpdir(), 'keyward-cluster-'));
  const nodes: Keyward[] = [];
  return {
    schema,
    pepper,
    async start(options = {}) {
      const lines: string[] = [];
      const logStream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      });
      // A data directory that does not exist yet, as on a fresh container.
      const dataDir = join(root, `node-${nodes.length}-${randomBytes(3).toString('hex')}`, 'data');
      const config = loadConfig(
        {},
        {
          databaseUrl: options.databaseUrl ?? databaseUrl,
          databaseSchema: schema,
          pepper,
          dataDir,
          logLevel: 'warn',
          ...options.config,
        },
      );
      const keyward = await buildApp({
        config,
        logStream,
        ...(options.clock === undefined ? {} : { clock: options.clock }),
      });
      nodes.push(keyward);
      return {
        keyward,
        logText: () => lines.join(''),
        call: async (method, url, key, payload) => {
          const reply = await keyward.app.inject({
            method,
            url,
            headers: key === null ? {} : { authorization: `Bearer ${key}` },
            ...(payload === undefined ? {} : { payload: payload as object }),
          });
          return {
            status: reply.statusCode,
            headers: reply.headers,
            body: reply.body === '' ? undefined : reply.json(),
          };
        },
      };
    },
    async close() {
      for (const node of nodes.splice(0)) await node.close().catch(() => undefined);
      // The schema stays until the run ends (test-schemas.ts says why).
      rmSync(root, { recursive: true, force: true });
    },
  };
}

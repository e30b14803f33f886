/**
 * The app's route table as Fastify builds it: every route seen by an `onRoute` hook added before
 * any route (`BuildOptions.onRoute`), so a suite reads what is served rather than a printed tree.
 * Fastify's own HEAD mirrors of GET routes are left out: they share the GET route's options and hooks.
 */
import type { RouteOptions } from 'fastify';
import type { Requirement } from '../../src/http/requirements.js';
import { sqliteOnly } from './databases.js';
import { startKeyward } from './keyward.js';

export interface RouteEntry {
  /** `METHOD /path` with Fastify's `:param` syntax, e.g. `GET /v1/keys/:id`. */
  readonly key: string;
  readonly method: string;
  readonly url: string;
  readonly requires: Requirement | undefined;
}

export interface RouteRecorder {
  readonly onRoute: (route: RouteOptions) => void;
  /** Every route recorded so far, in the order the app added them. */
  routes(): RouteEntry[];
}

export function routeRecorder(): RouteRecorder {
  const seen: RouteEntry[] = [];
  return {
    onRoute: (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method === 'HEAD') continue;
        seen.push({ key: `${method} ${route.url}`, method, url: route.url, requires: route.config?.requires });
      }
    },
    routes: () => [...seen],
  };
}

/** The `/v1` routes of an app built on a fresh SQLite database, closed again: the table does not depend on the database. */
export async function v1RouteTable(): Promise<RouteEntry[]> {
  const recorder = routeRecorder();
  const [sqlite] = sqliteOnly();
  if (sqlite === undefined) throw new Error('SQLite is always a test database');
  const kw = await startKeyward(sqlite, { onRoute: recorder.onRoute });
  await kw.close();
  return recorder.routes().filter((route) => route.url.startsWith('/v1/'));
}

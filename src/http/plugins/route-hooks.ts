/**
 * Hooks for every route except the hot path. A hook added with `app.addHook` runs on every
 * request, verify's included; the routes marked `config.hotPath` (verify) do for themselves the
 * little these hooks do, and pay for nothing else.
 */
import type { FastifyInstance, onRequestHookHandler, onResponseHookHandler, preValidationHookHandler } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route sets its own x-request-id and needs no hook that the other routes share. */
    hotPath?: boolean;
  }
}

export function asList<T>(hooks: T | T[] | undefined): T[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}

interface OffHotPathHooks {
  onRequest?: onRequestHookHandler;
  preValidation?: preValidationHookHandler;
  onResponse?: onResponseHookHandler;
}

/** Adds `onRequest`, `preValidation` and `onResponse` hooks to each route registered from now on, except the hot path. */
export function addOffHotPath(app: FastifyInstance, hooks: OffHotPathHooks): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.hotPath === true) return;
    if (hooks.onRequest !== undefined) route.onRequest = [...asList(route.onRequest), hooks.onRequest];
    if (hooks.preValidation !== undefined) route.preValidation = [...asList(route.preValidation), hooks.preValidation];
    if (hooks.onResponse !== undefined) route.onResponse = [...asList(route.onResponse), hooks.onResponse];
  });
}

/** Every response carries its request id, so a caller can quote it (problem bodies hold it too). */
export function setRequestId(app: FastifyInstance): void {
  addOffHotPath(app, {
    onRequest: (request, reply, done) => {
      reply.header('x-request-id', request.id);
      done();
    },
  });
}

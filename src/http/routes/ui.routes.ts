/**
 * The management UI at `/ui`: the React app `npm run build` writes to `dist/ui`, served as
 * static files. Hashed assets are cached for good, `index.html` never; any other path without
 * a file extension is the app's own (it answers `index.html`). A server built without the UI
 * answers `/ui` with a 404 problem saying how to build it, and starts all the same.
 */
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { sendProblem } from '../problem.js';
import type { RouteContext } from './context.js';

/** `dist/ui` from both `src/http/routes` (tests) and `dist/http/routes` (the built server). */
export const UI_DIR = resolve(import.meta.dirname, '../../../dist/ui');

// The app loads only its own script and stylesheet and talks only to this origin.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const route = { config: { requires: { public: true } }, schema: { hide: true } } as const;

export const uiRoutes: FastifyPluginAsync<RouteContext> = async (app) => {
  // The front door: whoever opens the server's address in a browser lands on the console.
  app.get('/', route, async (_request, reply) => reply.redirect('/ui', 302));
  const built = existsSync(resolve(UI_DIR, 'index.html'));
  if (!built) {
    const notBuilt = async (request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(request, reply, {
        code: 'NOT_FOUND',
        detail: 'the management UI is not built into this server: run `npm run build`, then restart',
      });
    app.get('/ui', route, notBuilt);
    app.get('/ui/*', route, notBuilt);
    return;
  }

  await app.register(fastifyStatic, { root: UI_DIR, serve: false, wildcard: false });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });

  const sendIndex = (reply: FastifyReply) =>
    reply.header('cache-control', 'no-store').sendFile('index.html', { cacheControl: false });
  app.get('/ui', route, async (_request, reply) => reply.redirect('/ui/', 301));
  app.get<{ Params: { '*': string } }>('/ui/*', route, async (request, reply) => {
    const path = request.params['*'];
    if (path.startsWith('assets/')) return reply.sendFile(path, { immutable: true, maxAge: '365d' });
    if (extname(path) === '') return sendIndex(reply);
    return reply.sendFile(path, { cacheControl: false });
  });
};

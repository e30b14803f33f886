/**
 * Sign-in with SSO (SPEC §5–§6): `GET /v1/sso/start?email=` redirects to the person's provider,
 * `GET /v1/sso/callback` takes its answer and opens a session (httpOnly cookies, see
 * session-cookies.ts), `GET /v1/sso/pending` and `POST /v1/sso/complete` finish it when the
 * person must pick a key or give a one-time code. No key is needed: the person is who signs in.
 * A browser (which asks for HTML) that is refused is sent back to the console, which says why
 * from the `sso_error` code and `reason`; any other client gets the problem itself.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../../core/error-codes.js';
import { CompleteSessionBody, PendingSession, SsoCallbackQuery, SsoStartQuery } from '../../api/sessions.js';
import { confirmSsoSignIn, createSsoSignIn } from '../../modules/sso/sso.service.js';
import { FLOW_TTL_MS, openFlow, sealFlow } from '../../modules/sso/sso-flow.js';
import { updateSsoSignIn, getSsoSignIn } from '../../modules/sessions/sessions.service.js';
import { liveSession } from '../../modules/sessions/session-authentication.js';
import { sendProblem, sendResult } from '../problem.js';
import {
  CSRF_HEADER,
  clearFlowCookie,
  cookieNames,
  cookiesOf,
  setFlowCookie,
  setSessionCookies,
} from '../session-cookies.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['sso'];
const open = { requires: { public: true } } as const;
export const CONSOLE_HOME = '/ui/';

function wantsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/** A refusal: to a browser, the console saying why; to anything else, the problem. */
function refuse(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  if (!wantsHtml(request)) return sendProblem(request, reply, problem);
  const reason = typeof problem.extra?.['reason'] === 'string' ? problem.extra['reason'] : '';
  const query = new URLSearchParams({ sso_error: problem.code, ...(reason === '' ? {} : { reason }) });
  return reply.header('x-request-id', request.id).redirect(`${CONSOLE_HOME}?${query.toString()}`, 303);
}

export const ssoRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps, config, sso, csrf }) => {
  const base = (request: FastifyRequest): string => config.publicUrl ?? `${request.protocol}://${request.host}`;
  const actorOf = (request: FastifyRequest) => ({ keyId: null, requestId: request.id, sourceIp: request.ip });

  app.get('/v1/sso/start', {
    config: { ...open, action: 'sso.signIn.create' },
    schema: {
      tags,
      operationId: 'createSsoSignIn',
      summary: "Sign in with SSO: redirects to the provider of the email's domain",
      querystring: SsoStartQuery,
      response: { ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) => {
      const started = await createSsoSignIn(sso, {
        email: request.query.email,
        client: request.query.client ?? 'console',
        ...(request.query.redirect === undefined ? {} : { cliRedirect: request.query.redirect }),
        redirectUri: `${base(request)}/v1/sso/callback`,
      });
      if (!started.ok) return refuse(request, reply, started.problem);
      setFlowCookie(request, reply, sealFlow(deps.secrets, started.value.flow), FLOW_TTL_MS);
      return reply.header('cache-control', 'no-store').redirect(started.value.url, 302);
    },
  });

  app.get('/v1/sso/callback', {
    config: { ...open, action: 'sso.signIn.confirm' },
    schema: {
      tags,
      operationId: 'confirmSsoSignIn',
      summary: "The provider's answer: opens a session and returns to the console",
      querystring: SsoCallbackQuery,
      response: { ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) => {
      const flow = openFlow(deps.secrets, cookiesOf(request).get(cookieNames(request).flow), deps.clock.now());
      // Spent whatever the outcome: a flow is answered once.
      clearFlowCookie(request, reply);
      reply.header('cache-control', 'no-store');
      const callbackUrl = new URL(request.url, `${base(request)}/`);
      const finished = await confirmSsoSignIn(sso, actorOf(request), callbackUrl, flow);
      if (!finished.ok) return refuse(request, reply, finished.problem);
      const { token } = finished.value;
      setSessionCookies(request, reply, token, csrf.tokenFor(token), sso.sessionTtlMs);
      return reply.redirect(CONSOLE_HOME, 303);
    },
  });

  /** The live session of the request's cookie, complete or not: what the last sign-in steps act on. */
  const cookieSession = async (request: FastifyRequest) => {
    const token = cookiesOf(request).get(cookieNames(request).session);
    if (token === undefined || token === '')
      return { ok: false as const, problem: { code: 'SESSION_ENDED' as const, detail: 'no session: sign in first' } };
    return { ...(await liveSession(deps, token, actorOf(request))), token };
  };

  app.get('/v1/sso/pending', {
    config: { ...open, action: 'sso.signIn.read' },
    schema: {
      tags,
      operationId: 'getSsoSignIn',
      summary: 'What the signed-in person still has to do: pick a key, give a one-time code',
      response: { 200: PendingSession, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) => {
      const found = await cookieSession(request);
      if (!found.ok) return sendProblem(request, reply, found.problem);
      return reply.header('cache-control', 'no-store').send(await getSsoSignIn(deps, found.session));
    },
  });

  app.post('/v1/sso/complete', {
    config: { ...open, action: 'sso.signIn.update' },
    schema: {
      tags,
      operationId: 'updateSsoSignIn',
      summary: 'Finish signing in: the key the session acts with, and the one-time code when due',
      body: CompleteSessionBody,
      response: { 200: PendingSession, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) => {
      const found = await cookieSession(request);
      if (!found.ok) return sendProblem(request, reply, found.problem);
      const header = request.headers[CSRF_HEADER];
      if (!csrf.matches(found.token, typeof header === 'string' ? header : undefined))
        return sendProblem(request, reply, {
          code: 'FORBIDDEN',
          detail: `a change made with a session cookie must send its CSRF token in ${CSRF_HEADER}`,
        });
      return sendResult(request, reply, await updateSsoSignIn(deps, actorOf(request), found.session, request.body));
    },
  });
};

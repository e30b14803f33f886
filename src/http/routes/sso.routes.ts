/**
 * Sign-in with SSO (SPEC §5–§6): `GET /v1/sso/start?email=` redirects to the person's provider,
 * `GET /v1/sso/callback` takes its answer and opens a session (httpOnly cookies, see
 * session-cookies.ts), `GET /v1/sso/pending` and `POST /v1/sso/complete` finish it when the
 * person must pick a key or give a one-time code. No key is needed: the person is who signs in.
 * A browser (which asks for HTML) that is refused is sent back to the console, which says why
 * from the `sso_error` code and `reason`; any other client gets the problem itself. A CLI's
 * sign-in (`client=cli`) ends at the CLI instead (sso-handoff.ts, cli-handoff.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { CompleteSessionBody, PendingSession, SsoCallbackQuery, SsoStartQuery } from '../../api/sessions.js';
import { confirmSsoSignIn, createSsoSignIn } from '../../modules/sso/sso.service.js';
import { openFlow } from '../../modules/sso/sso-flow.js';
import { updateSsoSignIn, getSsoSignIn } from '../../modules/sessions/sessions.service.js';
import { liveSession } from '../../modules/sessions/session-authentication.js';
import { sendProblem, sendResult } from '../problem.js';
import { CSRF_HEADER, clearFlowCookie, cookieNames, cookiesOf, setSessionCookies } from '../session-cookies.js';
import { cameAsItsClient, presentedSession } from '../session-auth.js';
import { checkCliStart } from '../../modules/sso/cli-handoff.js';
import { CONSOLE_HOME, handToCli, redirectToProvider, refuse, startOptions } from './sso-handoff.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['sso'];
const open = { requires: { public: true } } as const;
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
      const { email, client = 'console', redirect, challenge } = request.query;
      const cli = checkCliStart(client, redirect, challenge);
      if (!cli.ok) return sendProblem(request, reply, cli.problem);
      const started = await createSsoSignIn(sso, {
        email,
        ...startOptions(client, redirect, challenge),
        redirectUri: `${base(request)}/v1/sso/callback`,
      });
      return redirectToProvider(request, reply, deps, started);
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
      if (!finished.ok) return refuse(request, reply, finished.problem, flow?.cliRedirect);
      const { token } = finished.value;
      if (flow?.client === 'cli') return handToCli(reply, deps, token, flow);
      setSessionCookies(request, reply, token, csrf.tokenFor(token), sso.sessionTtlMs);
      return reply.redirect(CONSOLE_HOME, 303);
    },
  });

  /** The live session the request presents (cookie, or a CLI's bearer), complete or not: what the last steps act on. */
  const cookieSession = async (request: FastifyRequest) => {
    const presented = presentedSession(request);
    if (presented === undefined)
      return { ok: false as const, problem: { code: 'SESSION_ENDED' as const, detail: 'no session: sign in first' } };
    const live = await liveSession(deps, presented.token, actorOf(request));
    if (live.ok && !cameAsItsClient(live.session.client, presented.via))
      return { ok: false as const, problem: { code: 'SESSION_ENDED' as const, detail: 'no session: sign in first' } };
    return { ...live, ...presented };
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
      // A bearer (the CLI's) is never sent by a browser on its own: only the cookie needs the CSRF token.
      if (found.via === 'cookie' && !csrf.matches(found.token, typeof header === 'string' ? header : undefined))
        return sendProblem(request, reply, {
          code: 'FORBIDDEN',
          detail: `a change made with a session cookie must send its CSRF token in ${CSRF_HEADER}`,
        });
      return sendResult(request, reply, await updateSsoSignIn(deps, actorOf(request), found.session, request.body));
    },
  });
};

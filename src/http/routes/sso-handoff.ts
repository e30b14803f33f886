/**
 * The ends of a sign-in the SSO routes share: the redirect to a provider (with the flow kept in
 * the browser's sealed cookie), and the hand-over of a finished CLI sign-in to the CLI, either to
 * its loopback address or, when it gave none (a browser on another machine), as a code shown to
 * paste into it (cli-handoff.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Result } from '../../core/error-codes.js';
import type { ServiceDeps } from '../../modules/deps.js';
import { sealHandoff } from '../../modules/sso/cli-handoff.js';
import { FLOW_TTL_MS, sealFlow, type SsoFlow } from '../../modules/sso/sso-flow.js';
import type { StartInput } from '../../modules/sso/sso-identity.js';
import type { Problem } from '../../core/error-codes.js';
import { sendProblem } from '../problem.js';
import { setFlowCookie } from '../session-cookies.js';

export const CONSOLE_HOME = '/ui/';

function wantsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * A refusal: to a browser, the console saying why (or, for a CLI's sign-in, its loopback address,
 * so the waiting CLI prints why); to anything else, the problem.
 */
export function refuse(request: FastifyRequest, reply: FastifyReply, problem: Problem, cliRedirect?: string) {
  if (!wantsHtml(request)) return sendProblem(request, reply, problem);
  const reason = typeof problem.extra?.['reason'] === 'string' ? problem.extra['reason'] : '';
  const query = new URLSearchParams({ sso_error: problem.code, ...(reason === '' ? {} : { reason }) });
  if (cliRedirect !== undefined) query.set('detail', problem.detail);
  const to = cliRedirect ?? CONSOLE_HOME;
  return reply.header('x-request-id', request.id).redirect(`${to}?${query.toString()}`, 303);
}

/** The sign-in's client and, for the CLI, where and for whom the session is handed over (checked before). */
export function startOptions(
  client: 'console' | 'cli',
  redirect: string | undefined,
  challenge: string | undefined,
): Pick<StartInput, 'client' | 'cliRedirect' | 'cliChallenge'> {
  return {
    client,
    ...(redirect === undefined ? {} : { cliRedirect: redirect }),
    ...(challenge === undefined ? {} : { cliChallenge: challenge }),
  };
}

export function redirectToProvider(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: ServiceDeps,
  started: Result<{ url: string; flow: SsoFlow }>,
): FastifyReply {
  if (!started.ok) return refuse(request, reply, started.problem);
  setFlowCookie(request, reply, sealFlow(deps.secrets, started.value.flow), FLOW_TTL_MS);
  return reply.header('cache-control', 'no-store').redirect(started.value.url, 302);
}

export function handToCli(reply: FastifyReply, deps: ServiceDeps, token: string, flow: SsoFlow): FastifyReply {
  // checkCliStart let no CLI flow start without its challenge.
  const code = sealHandoff(deps.secrets, token, flow.cliChallenge ?? '', deps.clock.now());
  if (flow.cliRedirect !== undefined) {
    const to = new URL(flow.cliRedirect);
    to.searchParams.set('code', code);
    return reply.redirect(to.href, 303);
  }
  // The code is base64url and dots (secret-box.ts): nothing in it needs escaping.
  return reply
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><meta charset="utf-8"><title>Keyward: signed in</title><h1>Signed in</h1>` +
        `<p>Paste this code into keyward login (it works for 5 minutes, only for the CLI that asked):</p>` +
        `<pre id="code" style="white-space:pre-wrap;word-break:break-all">${code}</pre>`,
    );
}

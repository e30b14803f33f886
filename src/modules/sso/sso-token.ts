/** The CLI's session for the code of its sign-in and its PKCE verifier (cli-handoff.ts): `POST /v1/sso/token`. */
import { ok, type Result } from '../../core/error-codes.js';
import type { CreateSsoTokenInput, SsoTokenObject } from '../../api/sessions.js';
import type { ServiceDeps } from '../deps.js';
import type { Actor } from '../mutation.js';
import { iso } from '../scope.js';
import { liveSession } from '../sessions/session-authentication.js';
import { getSsoSignIn } from '../sessions/sessions.service.js';
import { openHandoff, SESSION_BEARER_PREFIX } from './cli-handoff.js';

export async function createSsoToken(
  deps: ServiceDeps,
  actor: Actor,
  input: CreateSsoTokenInput,
): Promise<Result<SsoTokenObject>> {
  const opened = openHandoff(deps.secrets, input.code, input.verifier, deps.clock.now());
  if (!opened.ok) return opened;
  const live = await liveSession(deps, opened.value.slice(SESSION_BEARER_PREFIX.length), actor);
  if (!live.ok) return live;
  return ok({
    token: opened.value,
    sessionId: live.session.id,
    expiresAt: iso(live.session.expires_at) as string,
    pending: await getSsoSignIn(deps, live.session),
  });
}

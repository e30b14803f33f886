/**
 * The management-call gate. Reads the bearer key, authenticates it through the verify path
 * (same cache), and checks the route's declared requirement. Failures are 401 (no key, or not of
 * the key format: UNAUTHENTICATED; a well-formed bad key: the check's code) or 403 FORBIDDEN.
 * Each refusal naming a key is written to the audit log; those naming none are throttled and
 * counted per source and minute (flood-control.ts).
 */
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onSendHookHandler,
  preHandlerAsyncHookHandler,
  preValidationAsyncHookHandler,
} from 'fastify';
import type { Clock } from '../../core/clock.js';
import type { Problem } from '../../core/error-codes.js';
import { isRoot, keyVerdict, type KeyRecord } from '../../core/key-record.js';
import { allowedByAll } from '../../core/ip-allowlist.js';
import { ENTITY_REQUEST_FIELDS } from '../../core/entities.js';
import type { Caller } from '../../modules/deps.js';
import type { Authenticator } from '../../verify/authenticate.js';
import { insertAuditEvent } from '../../modules/audit/audit.repository.js';
import type { Db } from '../../storage/database.js';
import { describeRequirement, meets, type Requirement } from '../requirements.js';
import type { Gate } from '../../modules/gate.js';
import type { TargetVisibility } from '../../modules/target-visibility.js';
import { TargetRows } from '../../modules/target-rows.js';
import { problemStatus, sendProblem } from '../problem.js';
import type { FloodControl } from '../flood-control.js';
import { asList } from './route-hooks.js';
import type { SessionAuthenticator } from '../session-auth.js';
import { SESSION_BEARER_PREFIX } from '../../modules/sso/cli-handoff.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    requires?: Requirement;
    /** The audit action of this route, e.g. `key.create`; also names denied attempts. */
    action?: string;
    /** An expired key may call this route on itself (`:id` = its own id): rotation (SPEC §3 step 3). */
    expiredKeyMayCallForItself?: boolean;
    /**
     * A secret rotated out, in its grace period, may call this route. It may only be used (SPEC
     * §4): verified, and read the key it belongs to (/v1/me); never rotate, revoke, disable, make
     * keys or touch MFA, or it could take the key back from the holder of the new secret.
     */
    rotatedOutSecretMayCall?: boolean;
    /** A key whose user is due to pass MFA again (mfaReverifyDays) may call this route: /v1/me and the sign-in check. */
    mayCallWhileMfaDue?: boolean;
  }
  interface FastifyRequest {
    caller: Caller | null;
    /** This request's refusal is already in the audit log. */
    refusalAudited: boolean;
  }
}

export interface AuthDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly authenticator: Authenticator;
  /** Gates by name, for routes whose requirement depends on their target. */
  readonly gates: Readonly<Record<string, Gate>>;
  /** Whether the caller may discover what a request names: what it may not is a 404 before any requirement. */
  readonly targets: TargetVisibility;
  /** Throttles and tallies the refusals that name no key (SPEC §5: audited per source and minute). */
  readonly floods: FloodControl;
  /** SSO sessions (session-auth.ts): a session cookie in place of a bearer key, and the console's requireSso. */
  readonly sessions?: SessionAuthenticator;
}

/** Query and body fields that name an object, as path parameters do: each entity's (core/entities.ts). */
const TARGET_FIELDS = ENTITY_REQUEST_FIELDS;

function stringFields(source: unknown, names: readonly string[] | null): string[] {
  if (typeof source !== 'object' || source === null) return [];
  const record = source as Record<string, unknown>;
  const values = (names ?? Object.keys(record)).map((name) => record[name]);
  return values.filter((value): value is string => typeof value === 'string');
}

/** Every id the request names: each path parameter, and the target fields of its query and body. */
function namedTargets(request: FastifyRequest): string[] {
  return [
    ...stringFields(request.params, null),
    ...stringFields(request.query, TARGET_FIELDS),
    ...stringFields(request.body, TARGET_FIELDS),
  ];
}

const BEARER = /^Bearer ([^\s]+)$/i;
const REFUSAL_STATUSES: ReadonlySet<number> = new Set([401, 403, 429]);

export function registerAuth(app: FastifyInstance, deps: AuthDeps): void {
  app.decorateRequest('caller', null);
  app.decorateRequest('refusalAudited', false);
  app.decorateRequest('problemCode', null);

  app.addHook('onRoute', (route) => {
    const requires = route.config?.requires;
    if (route.url.startsWith('/v1/') && requires === undefined) {
      throw new Error(`route ${route.method} ${route.url} declares no requirement (config.requires)`);
    }
    if (requires !== undefined && 'gate' in requires && deps.gates[requires.gate] === undefined) {
      throw new Error(`route ${route.method} ${route.url} names an unknown gate "${requires.gate}"`);
    }
  });

  const auditRefusal = async (
    request: FastifyRequest,
    key: KeyRecord | null,
    code: string,
    status: number,
  ): Promise<void> => {
    request.refusalAudited = true;
    await insertAuditEvent(
      deps.db,
      {
        tenantId: key?.tenantId ?? null,
        environmentId: key?.environmentId ?? null,
        actorKeyId: key?.id ?? null,
        action: request.routeOptions.config.action ?? 'request',
        targetType: null,
        targetId:
          typeof (request.params as Record<string, unknown> | undefined)?.['id'] === 'string'
            ? ((request.params as Record<string, string>)['id'] ?? null)
            : null,
        outcome: 'denied',
        status,
        requestId: request.id,
        sourceIp: request.ip,
        details: { code, method: request.method, route: request.routeOptions.url ?? null },
      },
      deps.clock.now(),
    );
  };

  const deny = async (
    request: FastifyRequest,
    reply: FastifyReply,
    key: KeyRecord | null,
    problem: Problem,
  ): Promise<FastifyReply> => {
    await auditRefusal(request, key, problem.code, problemStatus(problem));
    return sendProblem(request, reply, problem);
  };

  // A service's own refusal of a management call (an escalation, a wrong one-time code, a rate
  // limit) is audited here, once, like the hooks' own: every 401, 403 and 429 is on record.
  const auditServiceRefusal: onSendHookHandler = async (request, reply, payload) => {
    if (request.refusalAudited || !REFUSAL_STATUSES.has(reply.statusCode)) return payload;
    await auditRefusal(request, request.caller?.key ?? null, request.problemCode ?? 'UNKNOWN', reply.statusCode);
    return payload;
  };

  // No key to name: not one audit row per refusal (a flood would write one per request) but a
  // count per source and minute, and past the source's budget a 429.
  const refuseKeyless = (request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply => {
    request.refusalAudited = true;
    return deps.floods.refuseKeyless(request, reply, problem);
  };

  // Authentication comes before validation: a caller without a valid key learns nothing of
  // the schema. The requirement is checked after it, since it may look at the body's fields.
  // A request with no bearer key may come with a session cookie (SSO): it acts with the session's key.
  // A CLI's session comes as a bearer too (`kwsession-…`, never a key's form; session-auth.ts).
  const bySession = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const presented = deps.sessions?.tokenOf(request);
    if (deps.sessions === undefined || presented === undefined)
      return refuseKeyless(request, reply, { code: 'UNAUTHENTICATED', detail: 'send Authorization: Bearer <key>' });
    const entry = await deps.sessions.authenticate(request, presented);
    if (!entry.ok) return refuseKeyless(request, reply, entry.problem);
    return admit(request, reply, entry.key, { sessionId: entry.sessionId, sessionEmail: entry.email });
  };

  const authenticate: preValidationAsyncHookHandler = async (request, reply) => {
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (match === null || match[1]?.startsWith(SESSION_BEARER_PREFIX) === true) return bySession(request, reply);
    const authentication = await deps.authenticator.authenticate(match[1] as string);
    if (!authentication.found) {
      return authentication.malformed
        ? refuseKeyless(request, reply, { code: 'UNAUTHENTICATED', detail: 'the bearer token is not a Keyward key' })
        : refuseKeyless(request, reply, { code: 'NOT_FOUND', detail: 'the bearer key is not known', status: 401 });
    }
    return admit(request, reply, authentication.key, { presentedHash: authentication.hash });
  };

  /** The key's state, the route's allowances and the allowlist, whichever way the key came. */
  const admit = async (
    request: FastifyRequest,
    reply: FastifyReply,
    key: KeyRecord,
    how: { readonly presentedHash?: string; readonly sessionId?: string; readonly sessionEmail?: string },
  ): Promise<FastifyReply | undefined> => {
    const verdict = keyVerdict(key, deps.clock.now());
    const selfAfterExpiry =
      verdict === 'EXPIRED' &&
      request.routeOptions.config.expiredKeyMayCallForItself === true &&
      (request.params as Record<string, unknown> | undefined)?.['id'] === key.id;
    const mfaCheckIn = verdict === 'MFA_REQUIRED' && request.routeOptions.config.mayCallWhileMfaDue === true;
    if (verdict === 'MFA_REQUIRED' && !mfaCheckIn) {
      return deny(request, reply, key, {
        code: 'MFA_REQUIRED',
        detail: "the key's user must pass a one-time code check again (POST /v1/me/mfa/verify)",
        status: 401,
      });
    }
    if (verdict !== 'VALID' && !selfAfterExpiry && !mfaCheckIn)
      return deny(request, reply, key, {
        code: verdict,
        detail: `the bearer key is ${verdict.toLowerCase()}`,
        status: 401,
      });
    if (key.rotatedOut === true && request.routeOptions.config.rotatedOutSecretMayCall !== true) {
      return deny(request, reply, key, {
        code: 'FORBIDDEN',
        detail:
          'a rotated-out secret may only verify (and read /v1/me) until its grace period ends: management calls need the current secret',
      });
    }
    // The allowlist protects the key everywhere, management calls included.
    if (key.ipAllowlists !== undefined && !allowedByAll(key.ipAllowlists, request.ip)) {
      return deny(request, reply, key, {
        code: 'FORBIDDEN',
        detail: `the bearer key may not be used from ${request.ip}: it is outside the key's IP allowlist`,
      });
    }
    request.caller = {
      key,
      actor: {
        keyId: key.id,
        requestId: request.id,
        sourceIp: request.ip,
        operator: isRoot(key),
        successStatus: successStatusOf(request),
        ...(how.sessionEmail === undefined ? {} : { sessionEmail: how.sessionEmail }),
      },
      ...(how.presentedHash === undefined ? {} : { presentedHash: how.presentedHash }),
      ...(how.sessionId === undefined ? {} : { sessionId: how.sessionId }),
      targets: new TargetRows(),
    };
    // A pasted key signing in to the console of a tenant that requires SSO (session-auth.ts).
    const consoleRefusal = how.sessionId === undefined ? await deps.sessions?.consoleKeyRefusal(request, key) : null;
    if (consoleRefusal != null) return deny(request, reply, key, consoleRefusal);
    return undefined;
  };

  const authorize: preHandlerAsyncHookHandler = async (request, reply) => {
    const requires = request.routeOptions.config.requires;
    if (requires === undefined || request.caller === null) return undefined;
    const key = request.caller.key;
    // The target first, then the requirement: a key that may not discover what it names learns
    // nothing of it, not even that it would need a permission to act on it (SPEC §5).
    const targets = request.caller.targets;
    const hidden = await deps.targets.firstHidden(key, namedTargets(request), targets);
    if (hidden !== null) return sendProblem(request, reply, { code: 'NOT_FOUND', detail: `${hidden} not found` });
    if ('gate' in requires) {
      const gate = deps.gates[requires.gate] as Gate;
      const decision = await gate(key, requires.action, {
        params: (request.params ?? {}) as Record<string, unknown>,
        body: request.body,
        targets,
      });
      if (decision.ok) return undefined;
      const problem = decision.problem;
      return problem.code === 'FORBIDDEN' ? deny(request, reply, key, problem) : sendProblem(request, reply, problem);
    }
    if (!meets(requires, key, { params: (request.params ?? {}) as Record<string, unknown>, body: request.body })) {
      const needed = describeRequirement(requires);
      return deny(request, reply, key, { code: 'FORBIDDEN', detail: `this needs ${needed}`, extra: { needed } });
    }
    return undefined;
  };

  // The hooks go on the routes that need a key, not on every request: verify (public) pays nothing.
  app.addHook('onRoute', (route) => {
    const requires = route.config?.requires;
    if (requires === undefined || 'public' in requires) return;
    route.preValidation = [...asList(route.preValidation), authenticate];
    route.preHandler = [...asList(route.preHandler), authorize];
    route.onSend = [...asList(route.onSend), auditServiceRefusal];
  });
}

/** What the route answers when it succeeds, from its declared responses: 201 for a creation, else 200. */
function successStatusOf(request: FastifyRequest): number {
  const responses = (request.routeOptions.schema?.response ?? {}) as Record<string, unknown>;
  return '201' in responses ? 201 : 200;
}

/** The authenticated caller of a route that requires a key. */
export function callerOf(request: FastifyRequest): Caller {
  if (request.caller === null) throw new Error('route requires a key but no caller was authenticated');
  return request.caller;
}

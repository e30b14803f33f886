/**
 * Every route plugin, in the order the app registers them: health and metrics first, then verify,
 * the management API by concept, and the console last.
 *
 * A route declares its needs on itself (`config.requires`, enforced by plugins/auth.ts) and its
 * audit action (`config.action`, `noun.verb`). Its `operationId` and the service it calls are the
 * same name, the action's verb then nouns: `key.update` is `patchKey`, `key.read` is `getKey`,
 * `key.list` is `listKeysFor` (docs/adr/0002, held by test/http/operation-names.test.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context.js';
import { environmentRoutes } from './environments.routes.js';
import { healthRoutes } from './health.routes.js';
import { metricsRoutes } from './metrics.routes.js';
import { keyRoutes } from './keys.routes.js';
import { keyImportRoutes } from './key-import.routes.js';
import { usageRoutes } from './usage.routes.js';
import { analyticsRoutes } from './analytics.routes.js';
import { resourceRoutes } from './resources.routes.js';
import { policyRoutes } from './policies.routes.js';
import { groupRoutes } from './groups.routes.js';
import { tenantRoutes } from './tenants.routes.js';
import { userRoutes } from './users.routes.js';
import { mfaRoutes } from './mfa.routes.js';
import { auditRoutes } from './audit.routes.js';
import { verifyRoutes } from './verify.routes.js';
import { uiRoutes } from './ui.routes.js';
import { modelRoutes } from './model.routes.js';
import { webhookRoutes } from './webhooks.routes.js';
import { webhookKeyRoutes } from './webhook-keys.routes.js';
import { leakedKeyRoutes } from './leaked-keys.routes.js';
import { identityProviderRoutes } from './identity-providers.routes.js';
import { ssoRoutes } from './sso.routes.js';
import { ssoOperatorRoutes } from './sso-operator.routes.js';
import { ssoCliRoutes } from './sso-cli.routes.js';
import { sessionRoutes } from './sessions.routes.js';
import { changeRoutes } from './changes.routes.js';

export async function registerRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  await app.register(healthRoutes, context);
  await app.register(metricsRoutes, context);
  await app.register(verifyRoutes, context);
  await app.register(tenantRoutes, context);
  await app.register(environmentRoutes, context);
  await app.register(userRoutes, context);
  await app.register(mfaRoutes, context);
  await app.register(keyRoutes, context);
  await app.register(keyImportRoutes, context);
  await app.register(usageRoutes, context);
  await app.register(analyticsRoutes, context);
  await app.register(resourceRoutes, context);
  await app.register(policyRoutes, context);
  await app.register(groupRoutes, context);
  await app.register(auditRoutes, context);
  await app.register(modelRoutes, context);
  await app.register(webhookRoutes, context);
  await app.register(webhookKeyRoutes, context);
  await app.register(leakedKeyRoutes, context);
  await app.register(identityProviderRoutes, context);
  await app.register(ssoRoutes, context);
  await app.register(ssoOperatorRoutes, context);
  await app.register(ssoCliRoutes, context);
  await app.register(sessionRoutes, context);
  await app.register(changeRoutes, context);
  await app.register(uiRoutes, context);
}

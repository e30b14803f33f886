/**
 * Issue 25 end to end: in Chromium, a person signs in to the console with SSO through a real
 * OpenID Connect provider's login page (oidc-provider, in this process on loopback) and lands in
 * the console as themselves, acting with their own key; a refused sign-in comes back to the
 * console, which says why; revoking the key ends the console session.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { defaultModel } from '../../src/core/model/load-model.js';
import { startProvider, type TestProvider } from '../support/oidc.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { ensureUiBuilt } from '../support/ui-build.js';
import { ACCOUNTS, DOMAIN } from '../support/sso-world.js';
import {
  closeWorld,
  eventually,
  hasChromium,
  launchChromium,
  openArea,
  openConsole,
  TEST_MS,
  textOf,
  WORLD_START_MS,
} from './console-support.js';

interface World {
  readonly server: ServerProcess;
  readonly provider: TestProvider;
  readonly browser: Browser;
  readonly rootKey: string;
  readonly bobKeyId: string;
  readonly cwd: string;
}

async function call(server: ServerProcess, method: string, path: string, key: string, payload?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  const body = (await response.json()) as any;
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function startWorld(): Promise<World> {
  await ensureUiBuilt();
  const cwd = mkdtempSync(join(tmpdir(), 'keyward-sso-console-'));
  const server = await startServerProcess({ KEYWARD_SSO_ALLOW_INSECURE_ISSUERS: 'true' }, cwd);
  const root = readFileSync(join(cwd, 'data', 'root.key'), 'utf8').trim();
  const provider = await startProvider([`${server.url}/v1/sso/callback`], ACCOUNTS);
  const tenant = await call(server, 'POST', '/v1/tenants', root, { name: 'Acme SSO' });
  const environment = await call(server, 'POST', '/v1/environments', root, { tenantId: tenant.id, name: 'prod' });
  // The root key sets the tenant up; the console is then used by a person only.
  await call(server, 'POST', '/v1/identity-providers', root, {
    tenantId: tenant.id,
    name: 'Acme login',
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    emailDomains: [DOMAIN],
  });
  const bob = await call(server, 'POST', '/v1/users', root, {
    tenantId: tenant.id,
    name: 'Bob',
    email: `bob@${DOMAIN}`,
  });
  const model = defaultModel();
  const bobKey = await call(server, 'POST', '/v1/keys', root, {
    environmentId: environment.id,
    name: 'bob laptop',
    kind: 'user',
    userId: bob.id,
    permissions: [...model.permissions.keys()].filter((id) => model.permissions.get(id)?.scope !== 'tenant'),
  });
  const browser = await launchChromium();
  return { server, provider, browser, rootKey: root, bobKeyId: bobKey.id, cwd };
}

/** Through the console's "Sign in with SSO" and the provider's login page, as `login`. */
async function signInWithSso(world: World, email: string, login: string): Promise<Page> {
  const page = await openConsole(world.browser, world.server.url);
  await page.getByLabel('Work email').fill(email);
  await page.getByRole('button', { name: 'Continue with SSO' }).click();
  // The provider's own page (oidc-provider's development login form).
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  return page;
}

describe.skipIf(!hasChromium)('console sign-in with SSO', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_MS);
  afterAll(() => closeWorld(world));

  it(
    "signs a person in through their provider's login page, acting with their own key, until the key is revoked",
    async () => {
      const page = await signInWithSso(world, `bob@${DOMAIN}`, `bob@${DOMAIN}`);
      await eventually(() => textOf(page.locator('header .who'))).toContain(world.bobKeyId);
      await eventually(() => textOf(page.getByRole('heading', { level: 2 }).first())).toBe('This key');
      await openArea(page, 'Sessions');
      await eventually(() => textOf(page.getByRole('main'))).toContain(`bob@${DOMAIN} (this session)`);
      await call(world.server, 'POST', `/v1/keys/${world.bobKeyId}/revoke`, world.rootKey, {});
      await page.reload();
      // The console's first calls go out together: the first hears REVOKED (and the session ends), the next SESSION_ENDED.
      await eventually(() => textOf(page.locator('.notice'))).toMatch(/Signed out: .*, (REVOKED|SESSION_ENDED)\)/);
      await eventually(() => textOf(page.getByRole('heading', { name: 'Sign in with SSO' }))).toBe('Sign in with SSO');
    },
    TEST_MS,
  );

  it(
    'says why a sign-in was refused: an email the provider has not verified',
    async () => {
      const page = await signInWithSso(world, `carol@${DOMAIN}`, 'carol');
      await eventually(() => textOf(page.getByRole('alert'))).toContain('does not say your email is verified');
      await eventually(() => textOf(page.getByRole('alert'))).toContain('SSO_REFUSED, email_unverified');
    },
    TEST_MS,
  );
});

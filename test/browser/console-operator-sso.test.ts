/**
 * Issue 25 item 4 end to end: in Chromium, an operator signs in to the console as the instance
 * through the operators' provider (KEYWARD_OPERATOR_OIDC_*; a real oidc-provider in this process)
 * and sees the tenants list, no root key pasted anywhere; an account the provider vouches for that
 * is not among the operators is sent back to the sign-in page, which says why.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startProvider, type TestProvider } from '../support/oidc.js';
import { deadPort } from '../support/ports.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { ensureUiBuilt } from '../support/ui-build.js';
import {
  closeWorld,
  eventually,
  hasChromium,
  launchChromium,
  openConsole,
  TEST_MS,
  textOf,
  WORLD_START_MS,
} from './console-support.js';

const OPERATOR = 'ops@keyward-ops.example';

interface World {
  readonly server: ServerProcess;
  readonly provider: TestProvider;
  readonly browser: Browser;
  readonly cwd: string;
}

async function startWorld(): Promise<World> {
  await ensureUiBuilt();
  // The provider must know the console's callback, and the server the provider: the port comes first.
  const port = await deadPort();
  const provider = await startProvider([`http://127.0.0.1:${port}/v1/sso/callback`], {
    ops: { email: OPERATOR, verified: true },
    mallory: { email: 'mallory@keyward-ops.example', verified: true },
  });
  const cwd = mkdtempSync(join(tmpdir(), 'keyward-operator-console-'));
  const server = await startServerProcess(
    {
      KEYWARD_PORT: String(port),
      KEYWARD_SSO_ALLOW_INSECURE_ISSUERS: 'true',
      KEYWARD_OPERATOR_OIDC_ISSUER: provider.issuer,
      KEYWARD_OPERATOR_OIDC_CLIENT_ID: provider.clientId,
      KEYWARD_OPERATOR_OIDC_CLIENT_SECRET: provider.clientSecret,
      KEYWARD_OPERATOR_OIDC_EMAILS: OPERATOR,
    },
    cwd,
  );
  const browser = await launchChromium();
  return { server, provider, browser, cwd };
}

/** From the console's sign-in page through "Sign in as operator" and the provider's login page, as `login`. */
async function signInAsOperator(world: World, login: string): Promise<Page> {
  const page = await openConsole(world.browser, world.server.url);
  await page.getByRole('link', { name: 'Sign in as operator' }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  return page;
}

describe.skipIf(!hasChromium)('console sign-in of operators', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, WORLD_START_MS);
  afterAll(() => closeWorld(world));

  it(
    "signs an operator in through the operators' provider to the tenants list",
    async () => {
      const page = await signInAsOperator(world, 'ops');
      await eventually(() => textOf(page.getByRole('heading', { name: 'Pick a tenant' }))).toBe('Pick a tenant');
      await page.close();
    },
    TEST_MS,
  );

  it(
    'says why an account that is not an operator is refused',
    async () => {
      const page = await signInAsOperator(world, 'mallory');
      await eventually(() => textOf(page.getByRole('alert'))).toContain('not one of the operators of this instance');
      await eventually(() => textOf(page.getByRole('alert'))).toContain('SSO_REFUSED, not_operator');
      await page.close();
    },
    TEST_MS,
  );
});

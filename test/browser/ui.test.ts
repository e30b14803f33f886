/**
 * The management UI at /ui, driven in Chromium against the built server: sign-in (refused
 * without applications.use, MFA when the user has it), areas the key may not use, the wizard's
 * disabled grants, the audit page, and a key that never lands in the page after sign-in, the
 * URL, the console or localStorage.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { ensureUiBuilt } from '../support/ui-build.js';
import { codeAt, STEP_MS, wrongCodeAt } from '../support/totp.js';
import {
  ACTION_MS,
  CHROMIUM,
  eventually,
  hasChromium,
  launchChromium,
  openArea,
  signInWithKey,
  TEST_MS,
  textOf,
} from './console-support.js';

if (!hasChromium)
  console.warn(`skipping the browser suite: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

interface Call {
  status: number;
  headers: Headers;
  body: any;
}

describe.skipIf(!hasChromium)('the management UI in Chromium', { timeout: TEST_MS }, () => {
  const cwd = mkdtempSync(join(tmpdir(), 'keyward-ui-'));
  let server: ServerProcess;
  let browser: Browser;
  let rootKey: string;
  let admin: { key: string; id: string; userId: string };
  /** Everything any page printed to its console. */
  const consoleText: string[] = [];

  const call = async (method: string, path: string, key: string | null, payload?: unknown): Promise<Call> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      redirect: 'manual',
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
  const created = async (path: string, payload: unknown): Promise<any> => {
    const reply = await call('POST', path, rootKey, payload);
    if (reply.status !== 201) throw new Error(`seeding ${path} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };

  const openUi = async (): Promise<Page> => {
    const context = await browser.newContext();
    context.setDefaultTimeout(ACTION_MS);
    const page = await context.newPage();
    page.on('console', (message) => consoleText.push(message.text()));
    await page.goto(`${server.url}/ui/`);
    return page;
  };
  const signedIn = async (key: string): Promise<Page> => {
    const page = await openUi();
    await signInWithKey(page, key);
    await page.getByRole('heading', { name: 'This key' }).waitFor();
    return page;
  };
  const sessionEntries = (page: Page): Promise<number> => page.evaluate<number>('sessionStorage.length');
  /**
   * Where a signed-in key must never be: the page's markup, its URL, localStorage. Called once the
   * page shows the state the test is about: a "not there" is read once, as retrying it could only pass.
   */
  const expectKeyNowhere = async (page: Page, key: string): Promise<void> => {
    expect(await page.content()).not.toContain(key);
    expect(page.url()).not.toContain(key);
    await eventually(() => page.evaluate<string>('JSON.stringify(Object.entries(localStorage))')).toBe('[]');
  };

  beforeAll(async () => {
    await ensureUiBuilt();
    server = await startServerProcess({}, cwd);
    rootKey = readFileSync(join(cwd, 'data', 'root.key'), 'utf8').trim();
    const tenant = await created('/v1/tenants', { name: 'Acme UI' });
    const environment = await created('/v1/environments', { tenantId: tenant.id, name: 'prod' });
    const user = await created('/v1/users', {
      tenantId: tenant.id,
      name: 'Ada',
      email: 'ada@acme.example',
      role: 'admin',
    });
    const key = await created('/v1/keys', {
      environmentId: environment.id,
      name: 'ada-admin',
      kind: 'user',
      userId: user.id,
      admin: true,
      permissions: ['users.manage', 'tenant.manage', 'applications.use'],
    });
    admin = { key: key.key, id: key.id, userId: user.id };
    browser = await launchChromium();
    // The first run after a UI change builds it with Vite here.
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('serves the app at /ui/ under a strict content security policy, and an unknown asset as a 404 problem', async () => {
    expect((await call('GET', '/ui', null)).headers.get('location')).toBe('/ui/');
    const index = await call('GET', '/ui/', null);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.body).toContain('<div id="root">');
    const missing = await call('GET', '/ui/assets/nothing.js', null);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  it('refuses to sign in a key without applications.use, saying so', async () => {
    const worker = await created('/v1/keys', {
      environmentId: (await call('GET', '/v1/me', admin.key)).body.key.environmentId,
      name: 'worker',
      kind: 'application',
      permissions: ['functions.execute'],
    });
    const page = await openUi();
    await signInWithKey(page, worker.key);
    await eventually(() => textOf(page.getByRole('alert'))).toContain('lacks the applications.use permission');
    await eventually(() => page.getByRole('navigation').count()).toBe(0);
    await eventually(() => sessionEntries(page)).toBe(0);
  });

  it("shows an unknown key's refusal with the problem's detail and code", async () => {
    const page = await openUi();
    await signInWithKey(page, 'not-a-key');
    await eventually(() => textOf(page.getByRole('alert'))).toBe(
      'the bearer token is not a Keyward key (UNAUTHENTICATED)',
    );
  });

  it('signs in the admin key and shows it on Me, without the key anywhere on the page', async () => {
    const page = await signedIn(admin.key);
    const facts = page.locator('.facts');
    await eventually(() => textOf(facts)).toContain(admin.id);
    await eventually(() => textOf(facts)).toContain('user (admin)');
    await eventually(() => textOf(facts)).toContain('active');
    await eventually(() => textOf(page.locator('.badges').first())).toContain('users.manage');
    await expectKeyNowhere(page, admin.key);
  });

  it('names the permission an area needs when the key lacks it', async () => {
    const environmentId = (await call('GET', '/v1/me', admin.key)).body.key.environmentId;
    const user = await created('/v1/keys', {
      environmentId,
      name: 'app-user',
      kind: 'application',
      permissions: ['applications.use'],
    });
    const page = await signedIn(user.key);
    await openArea(page, 'Keys');
    await eventually(() => textOf(page.getByRole('main'))).toBe(
      'This page needs the users.manage permission, which this key does not hold.',
    );
    await openArea(page, 'Audit');
    await eventually(() => textOf(page.getByRole('main'))).toBe(
      'This page needs the tenant.manage permission, which this key does not hold.',
    );
  });

  it('shows a permission the key does not hold disabled in the wizard, with the reason', async () => {
    const page = await signedIn(admin.key);
    await openArea(page, 'Keys');
    await page.getByRole('link', { name: 'Create a key' }).click();
    await page.getByLabel('Name', { exact: true }).fill('too-much');
    await page.getByRole('button', { name: 'Next' }).click();
    const secrets = page.getByRole('checkbox', { name: /secrets\.manage/ });
    await eventually(() => secrets.isDisabled()).toBe(true);
    await eventually(async () => textOf(page.locator(`[id="${await secrets.getAttribute('aria-describedby')}"]`))).toBe(
      'your key does not hold secrets.manage',
    );
    await expectKeyNowhere(page, admin.key);
  });

  it('lists key.create on Audit, and Verify chain says ok', async () => {
    const page = await signedIn(admin.key);
    await openArea(page, 'Audit');
    await page.getByLabel('Action').fill('key.create');
    await page.getByRole('button', { name: 'Filter' }).click();
    // The unfiltered list has key.create rows too: wait for the list that has nothing else.
    await eventually(async () => new Set(await page.locator('tbody tr td:nth-child(2)').allTextContents())).toEqual(
      new Set(['key.create']),
    );
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await eventually(() => textOf(page.getByRole('status').filter({ hasText: 'Chain' }))).toContain('Chain ok');
  });

  it('forgets the key on sign out: sessionStorage is empty and localStorage never held it', async () => {
    const page = await signedIn(admin.key);
    await eventually(() => sessionEntries(page)).toBe(1);
    await page.reload();
    await page.getByRole('heading', { name: 'This key' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    await eventually(() => sessionEntries(page)).toBe(0);
    await expectKeyNowhere(page, admin.key);
    expect(consoleText.join('\n')).not.toContain(admin.key);
    expect(consoleText.join('\n')).not.toContain('Content Security Policy');
  });

  it("asks for a one-time code when the key's user has MFA, refusing a wrong one", async () => {
    const enrolment = await call('POST', `/v1/users/${admin.userId}/mfa`, admin.key, {});
    expect(enrolment.status).toBe(201);
    const secret: string = enrolment.body.secret;
    // Confirmed with the previous step's code (still accepted), so the current one is unused.
    const confirm = await call('POST', `/v1/users/${admin.userId}/mfa/confirm`, admin.key, {
      code: codeAt(secret, Date.now() - STEP_MS),
    });
    expect(confirm.body.enrolled).toBe(true);

    const page = await openUi();
    await signInWithKey(page, admin.key);
    const code = page.getByLabel('Code', { exact: true });
    await code.fill(wrongCodeAt(secret, Date.now()));
    await page.getByRole('button', { name: 'Verify' }).click();
    await eventually(() => textOf(page.getByRole('alert'))).toContain('(MFA_INVALID)');
    await eventually(() => page.getByRole('navigation').count()).toBe(0);
    await eventually(() => sessionEntries(page)).toBe(0);
    expect(await page.content()).not.toContain(admin.key);

    await code.fill(codeAt(secret, Date.now()));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'This key' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    await eventually(() => sessionEntries(page)).toBe(0);
    await expectKeyNowhere(page, admin.key);
  });
});

/**
 * The built server with one seeded tenant and Chromium, for the console's end-to-end suites:
 * an admin key that signs in, HTTP calls beside the browser, and a page per test.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect, vi } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { ensureUiBuilt } from '../support/ui-build.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** Chromium as this machine runs it headless: no sandbox (root), no calls home (no network). */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOTS = join(import.meta.dirname, '../../test-results/ui');

/** How long a suite's beforeAll may take to start its world: the first run after a UI change builds it. */
export const WORLD_START_MS = 180_000;
/** How long one Playwright action (a click, a wait for an element) may take before it fails. */
export const ACTION_MS = 8_000;
/**
 * How long one test may take: a dozen steps on a machine whose cores are both busy. Each step is
 * bounded on its own (ACTION_MS, SETTLE_MS), so a page that never gets there still fails at once.
 */
export const TEST_MS = 60_000;

export interface Call {
  readonly status: number;
  // `any` on purpose, in test support only, as test/support/keyward.ts's Reply.
  readonly body: any;
}

export interface ConsoleWorld {
  readonly server: ServerProcess;
  readonly browser: Browser;
  readonly tenantId: string;
  readonly environmentId: string;
  readonly adminKey: string;
  readonly adminKeyId: string;
  readonly rootKey: string;
  call(method: string, path: string, key: string | null, payload?: unknown): Promise<Call>;
  /** Creates as the admin key, failing the test on anything but 201. */
  created(path: string, payload: unknown): Promise<any>;
  verdict(key: string, payload?: Record<string, unknown>): Promise<string>;
  /** A fresh browser page signed in as the admin key, on Overview. */
  signedIn(viewport?: Viewport): Promise<Page>;
  /** A fresh browser page with `key` just sent from the sign-in form (root lands on its tenant picker). */
  signingIn(key: string, viewport?: Viewport): Promise<Page>;
  close(): Promise<void>;
}

export interface Viewport {
  readonly width: number;
  readonly height: number;
}

export const DESKTOP: Viewport = { width: 1280, height: 900 };

/** Chromium as these suites run it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A page of its own context (no session carried over) on the console's sign-in page. */
export async function openConsole(browser: Browser, serverUrl: string, viewport: Viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(ACTION_MS);
  const page = await context.newPage();
  await page.goto(`${serverUrl}/ui/`);
  return page;
}

/** Sends `key` from the sign-in form; where it lands (Overview, a tenant to pick, a code to give) is the caller's to wait for. */
export async function signInWithKey(page: Page, key: string): Promise<void> {
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** What a suite's world holds to let go of, last started first closed; a world that never started is skipped. */
export async function closeWorld(
  world: { browser: Browser; server: ServerProcess; cwd: string; provider?: { close(): Promise<void> } } | undefined,
): Promise<void> {
  if (world === undefined) return;
  await world.browser.close();
  await world.provider?.close();
  await world.server.stop();
  rmSync(world.cwd, { recursive: true, force: true });
}

/** `env`: more of the server's settings (`KEYWARD_TIERS`, say), over the suites' own. */
export async function startConsoleWorld(env: Record<string, string> = {}): Promise<ConsoleWorld> {
  // The server serves dist/ui, which only a Vite build makes: without this a suite run first (or
  // alone) finds no sign-in page. Cheap when the UI's sources have not changed.
  await ensureUiBuilt();
  const cwd = mkdtempSync(join(tmpdir(), 'keyward-console-'));
  // Usage is written at once rather than every 5 s, so a key page shows the verifies just made.
  const server = await startServerProcess({ KEYWARD_USAGE_FLUSH_SIZE: '1', KEYWARD_USAGE_FLUSH_MS: '50', ...env }, cwd);
  const rootKey = readFileSync(join(cwd, 'data', 'root.key'), 'utf8').trim();

  const call = async (method: string, path: string, key: string | null, payload?: unknown): Promise<Call> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
    const text = await response.text();
    return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
  const createdAs = async (key: string, path: string, payload: unknown): Promise<any> => {
    const reply = await call('POST', path, key, payload);
    if (reply.status !== 201) throw new Error(`${path} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };

  const tenant = await createdAs(rootKey, '/v1/tenants', { name: 'Acme Console' });
  const environment = await createdAs(rootKey, '/v1/environments', { tenantId: tenant.id, name: 'prod' });
  const user = await createdAs(rootKey, '/v1/users', {
    tenantId: tenant.id,
    name: 'Ada',
    email: 'ada@acme.example',
    role: 'admin',
  });
  // The tenant's administrator (seed 000), as SPEC §2's tenant-admin preset makes one.
  const admin = await createdAs(rootKey, '/v1/keys', {
    environmentId: environment.id,
    name: 'ada-admin',
    kind: 'user',
    userId: user.id,
    admin: true,
    preset: 'tenant-admin',
  });
  const browser = await launchChromium();
  const signingIn = async (key: string, viewport?: Viewport): Promise<Page> => {
    const page = await openConsole(browser, server.url, viewport);
    await signInWithKey(page, key);
    return page;
  };

  return {
    server,
    browser,
    tenantId: tenant.id,
    environmentId: environment.id,
    adminKey: admin.key,
    adminKeyId: admin.id,
    rootKey,
    call,
    created: (path, payload) => createdAs(admin.key, path, payload),
    verdict: async (key, payload = {}) => (await call('POST', '/v1/verify', null, { key, ...payload })).body.code,
    signedIn: async (viewport) => {
      const page = await signingIn(admin.key, viewport);
      await page.getByRole('heading', { name: 'This key' }).waitFor();
      return page;
    },
    signingIn,
    close: () => closeWorld({ browser, server, cwd }),
  };
}

/**
 * How long a retrying read of the page goes on before it fails: a render on a machine whose cores
 * are both busy takes far less; a page that never gets there still fails well inside a test's time.
 */
export const SETTLE_MS = 8_000;
const READ_AGAIN_MS = 50;

/**
 * The retrying assertion of these suites (playwright-core has no `expect(locator)`): `read` runs
 * again every 50 ms until the matcher passes; past SETTLE_MS the matcher fails with the value read
 * last. A page read once right after a click may come before the render: always read through this.
 *   await eventually(() => textOf(page.getByRole('main'))).toContain('tenant.manage');
 */
export function eventually<T>(
  read: () => Promise<T>,
  message?: string,
  timeoutMs = SETTLE_MS,
): ReturnType<typeof expect.poll<Promise<T>>> {
  return expect.poll(read, { timeout: timeoutMs, interval: READ_AGAIN_MS, message });
}

/**
 * A value the test goes on to use (a secret in a dialog), read until `check` (an assertion) passes
 * on it: taken once the page shows it, not whatever was there first.
 */
export function shown<T>(read: () => Promise<T>, check: (value: T) => void): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await read();
      check(value);
      return value;
    },
    { timeout: SETTLE_MS, interval: READ_AGAIN_MS },
  );
}

/**
 * The text of the one element `locator` names, or null while there is none. Read at once, not
 * waiting for the element as `textContent()` does: `eventually` does the waiting, and reports null.
 */
export async function textOf(locator: Locator): Promise<string | null> {
  const texts = await locator.allTextContents();
  if (texts.length > 1) throw new Error(`${String(locator)} names ${texts.length} elements: ${JSON.stringify(texts)}`);
  return texts[0] ?? null;
}

/** Opens an area from the navigation. */
export async function openArea(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: label, exact: true }).click();
}

/** Whether an element's box (null: not laid out) lies across the first `width` px of the page, for `toSatisfy`. */
export function fitsWithin(width: number): (box: { x: number; width: number } | null) => boolean {
  return (box) => box !== null && box.x >= 0 && box.x + box.width <= width;
}

/** How far the page scrolls sideways (0 when it fits the viewport). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}

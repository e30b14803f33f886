/**
 * Issue 26 item 1 in the console: the Keys page searches and pages on the server. With 1 100 keys
 * in the tenant (more than the 1 000 the page once read whole), the newest key is first in the
 * list and is found by the last 4 characters of its secret; the search stays in the URL, so a
 * reload shows the same answer; More reads the next page from the server's cursor.
 */
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  hasChromium,
  openArea,
  SCREENSHOTS,
  sidewaysOverflow,
  startConsoleWorld,
  textOf,
  type ConsoleWorld,
  TEST_MS,
  WORLD_START_MS,
} from './console-support.js';

const OLDER_KEYS = 1_099;
const BATCH = 1_000;

describe.skipIf(!hasChromium)('the Keys page with 1 100 keys', { timeout: TEST_MS }, () => {
  let world: ConsoleWorld;
  let newest: { id: string; key: string };

  beforeAll(async () => {
    world = await startConsoleWorld();
    // Imported by hash in batches of up to 1 000, one transaction each: the fast way to a big tenant.
    // Their hints are 5 characters, so none is mistaken for the 4 a search gives.
    const older = Array.from({ length: OLDER_KEYS }, (_, n) => ({
      environmentId: world.environmentId,
      name: `older ${String(n).padStart(4, '0')}`,
      prefix: 'legacy_',
      hash: { algorithm: 'sha256', value: createHash('sha256').update(randomBytes(32)).digest('hex') },
      hint: `x${String(n).padStart(4, '0')}`,
    }));
    for (let start = 0; start < older.length; start += BATCH) {
      const reply = await world.call('POST', '/v1/keys/import/batch', world.adminKey, {
        keys: older.slice(start, start + BATCH),
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    }
    newest = await world.created('/v1/keys', {
      environmentId: world.environmentId,
      name: 'incident-suspect',
      kind: 'application',
    });
  }, WORLD_START_MS);
  afterAll(async () => {
    await world?.close();
  });

  it('shows the newest key first, and pages further with More', async () => {
    const page = await world.signedIn();
    await openArea(page, 'Keys');
    await page.locator('tbody tr').first().getByRole('link', { name: 'incident-suspect' }).waitFor();
    await eventually(() => page.locator('tbody tr').count()).toBe(50);
    await page.getByRole('button', { name: 'More' }).click();
    await eventually(() => page.locator('tbody tr').count()).toBe(100);
  });

  it('finds the newest key by the last 4 characters of its secret, and keeps the search across a reload', async () => {
    const last4 = newest.key.slice(-4);
    for (const width of [1280, 390]) {
      const page = await world.signedIn({ width, height: 900 });
      await openArea(page, 'Keys');
      await page.getByLabel('Search', { exact: true }).fill(last4);
      await eventually(() => page.locator('tbody tr').allTextContents()).toEqual([
        expect.stringContaining('incident-suspect'),
      ]);
      await eventually(() => page.evaluate<string>('window.location.hash')).toBe(`#/keys?q=${last4}`);
      await page.reload();
      await eventually(() => page.getByLabel('Search', { exact: true }).inputValue()).toBe(last4);
      await eventually(() => page.locator('tbody tr').allTextContents()).toEqual([
        expect.stringContaining(`…${last4}`),
      ]);
      await eventually(() => sidewaysOverflow(page)).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, `keys-search-${width}.png`), fullPage: true });
    }
  });

  it('narrows by status and kind from the URL, and says when nothing matches', async () => {
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys?q=older%20005&status=active`);
    await eventually(() => page.locator('tbody tr').count()).toBe(10);
    await eventually(() => page.getByLabel('Status').inputValue()).toBe('active');
    await page.getByLabel('Status').selectOption('revoked');
    await eventually(() => textOf(page.getByText('No key matches.'))).toBe('No key matches.');
    await eventually(() => page.evaluate<string>('window.location.hash')).toBe('#/keys?q=older+005&status=revoked');
  });
});

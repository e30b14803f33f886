/**
 * Issue 26 item 2: the Overview is the tenant's dashboard. After verifications and refusals, it
 * shows their count and a chart over 30 days, the busiest key by name, a key expiring within 30
 * days, and the latest changes from the audit log, each linking on. Screenshots at 1280 and 390 px.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  hasChromium,
  SCREENSHOTS,
  sidewaysOverflow,
  startConsoleWorld,
  textOf,
  type ConsoleWorld,
  TEST_MS,
  WORLD_START_MS,
} from './console-support.js';

describe.skipIf(!hasChromium)('the Overview as the tenant dashboard', { timeout: TEST_MS }, () => {
  let world: ConsoleWorld;

  beforeAll(async () => {
    world = await startConsoleWorld();
    const busy = await world.created('/v1/keys', {
      environmentId: world.environmentId,
      name: 'checkout-service',
      kind: 'application',
    });
    await world.created('/v1/keys', {
      environmentId: world.environmentId,
      name: 'contractor-laptop',
      kind: 'application',
      expiresInDays: 10,
    });
    const gone = await world.created('/v1/keys', {
      environmentId: world.environmentId,
      name: 'old-cron',
      kind: 'application',
    });
    expect((await world.call('POST', `/v1/keys/${gone.id}/revoke`, world.adminKey)).status).toBe(200);
    for (let n = 0; n < 6; n += 1) expect(await world.verdict(busy.key)).toBe('VALID');
    for (let n = 0; n < 2; n += 1) expect(await world.verdict(gone.key)).toBe('REVOKED');
  }, WORLD_START_MS);
  afterAll(async () => {
    await world?.close();
  });

  it('shows verifications and refusals, the top key, a key expiring soon and the latest changes', async () => {
    for (const width of [1280, 390]) {
      const page = await world.signedIn({ width, height: 900 });
      const dashboard = page.getByRole('region', { name: 'Activity, last 30 days' });
      // The recorder writes within 50 ms here; a reload shows what it wrote by then.
      await eventually(async () => {
        await page.reload();
        await dashboard.getByText(/verifications,/).waitFor();
        return textOf(dashboard.locator('.summary'));
      }, 'the summary').toMatch(/^\s*8\s+verifications,\s*2\s+refused \(25%\)/);
      await dashboard.getByRole('figure').waitFor();
      const top = dashboard.getByRole('region', { name: 'Top keys' });
      await eventually(() => top.locator('li').first().textContent()).toContain('checkout-service');
      await eventually(() => textOf(top.locator('li').first().locator('.help'))).toBe('6 verifications');
      const expiring = dashboard.getByRole('region', { name: 'Expiring within 30 days' });
      await eventually(() => expiring.locator('li a').allTextContents()).toEqual(['contractor-laptop']);
      const changes = dashboard.getByRole('region', { name: 'Recent changes' });
      await eventually(() => changes.locator('li code').first().textContent()).toBe('key.revoke');
      // The revoked key by its name, not the end of its id.
      await eventually(() => changes.locator('li a').first().textContent()).toBe('old-cron');
      await eventually(() => sidewaysOverflow(page)).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, `overview-dashboard-${width}.png`), fullPage: true });
      await changes.getByRole('link', { name: 'All events' }).click();
      await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    }
  });
});

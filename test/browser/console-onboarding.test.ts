/**
 * Issue 26 item 3: the operator creates a tenant from the console, and the new tenant is walked to
 * its first environment, first admin user and first key: a stepper on the Overview that resumes
 * where the tenant stands after a reload, lets a step be skipped, and goes once all is done. The
 * empty dashboard beside it says what to do next (item 7). Screenshots at 1280 and 390 px.
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

describe.skipIf(!hasChromium)('a new tenant from the console', { timeout: TEST_MS }, () => {
  let world: ConsoleWorld;

  beforeAll(async () => {
    world = await startConsoleWorld();
  }, WORLD_START_MS);
  afterAll(async () => {
    await world?.close();
  });

  /** The stepper's steps as read: "1 Create an environment (now)" … */
  const steps = (page: import('playwright-core').Page) =>
    page
      .locator('.stepper li')
      .allTextContents()
      .then((texts) => texts.map((text) => text.replace(/\s+/g, ' ').trim()));

  it('creates a tenant as root and walks it to an environment, an admin and a key, resuming after a reload', async () => {
    for (const width of [1280, 390]) {
      const name = `Globex ${width}`;
      const page = await world.signingIn(world.rootKey, { width, height: 900 });
      await page.getByRole('button', { name: 'New tenant' }).click();
      await page.getByLabel('Tenant name').fill(name);
      await page.getByRole('button', { name: 'Create tenant' }).click();
      await eventually(() => textOf(page.locator('header .tenant'))).toBe(`Tenant: ${name}`);

      const stepper = page.getByRole('region', { name: 'Set up this tenant' });
      await eventually(() => steps(page)).toEqual([
        '1 Create an environment (now)',
        '2 Add the first admin (to do)',
        '3 Create the first key (to do)',
      ]);
      await eventually(() => textOf(page.locator('.empty-state').first())).toMatch(/^No verifications in the last 30/);
      await page.getByLabel('Environment name').fill('production');
      await stepper.getByRole('button', { name: 'Create an environment' }).click();
      await eventually(() => steps(page)).toEqual([
        '✓ Create an environment (done)',
        '2 Add the first admin (now)',
        '3 Create the first key (to do)',
      ]);
      await page.reload();
      await eventually(() => steps(page)).toContain('2 Add the first admin (now)');
      await eventually(() => sidewaysOverflow(page)).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, `onboarding-${width}.png`), fullPage: true });

      if (width === 1280) {
        await stepper.getByRole('button', { name: 'Skip this step' }).click();
        await page.reload();
        await eventually(() => steps(page)).toEqual([
          '✓ Create an environment (done)',
          '2 Add the first admin (skipped)',
          '3 Create the first key (now)',
        ]);
      } else {
        await page.getByLabel('Name', { exact: true }).fill('Grace Admin');
        await page.getByLabel('Email').fill('grace@globex.example');
        await stepper.getByRole('button', { name: 'Add the first admin' }).click();
        await eventually(() => steps(page)).toContain('3 Create the first key (now)');
      }
      await stepper.getByRole('button', { name: 'Create the first key' }).click();
      const dialog = page.getByRole('dialog', { name: 'First key created' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: /stored/ }).click();
      await eventually(() => stepper.count()).toBe(0);
      const tenant = (await world.call('GET', '/v1/tenants?limit=100', world.rootKey)).body.items.find(
        (each: { name: string }) => each.name === name,
      );
      const keys = (await world.call('GET', `/v1/keys?tenantId=${tenant.id}`, world.rootKey)).body.items;
      expect(keys.map((key: { kind: string; admin: boolean }) => [key.kind, key.admin])).toEqual([
        width === 1280 ? ['application', false] : ['user', true],
      ]);
      await page.context().close();
    }
  });
});

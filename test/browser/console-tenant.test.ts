/**
 * Issue 26 item 6: the console says which tenant it is working in, in the header and the page
 * title; root's chosen tenant survives a reload, and "Switch tenant" forgets it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  eventually,
  hasChromium,
  SCREENSHOTS,
  startConsoleWorld,
  textOf,
  type ConsoleWorld,
  TEST_MS,
  WORLD_START_MS,
} from './console-support.js';

describe.skipIf(!hasChromium)("the tenant's name in the console", { timeout: TEST_MS }, () => {
  let world: ConsoleWorld;
  let tenantName: string;

  beforeAll(async () => {
    world = await startConsoleWorld();
    tenantName = (await world.call('GET', `/v1/tenants/${world.tenantId}`, world.adminKey)).body.name;
  }, WORLD_START_MS);
  afterAll(async () => {
    await world?.close();
  });

  it("shows an admin's tenant in the header and the title", async () => {
    const page = await world.signedIn();
    await eventually(() => textOf(page.locator('header .tenant'))).toBe(`Tenant: ${tenantName}`);
    await eventually(() => page.title()).toBe(`${tenantName} · Keyward`);
  });

  it("keeps root's chosen tenant across a reload, until Switch tenant", async () => {
    for (const width of [1280, 390]) {
      const page = await world.signingIn(world.rootKey, { width, height: 900 });
      await page.getByRole('button', { name: `Work in ${tenantName}` }).click();
      await eventually(() => textOf(page.locator('header .tenant'))).toBe(`Tenant: ${tenantName}`);
      await page.reload();
      await eventually(() => textOf(page.locator('header .tenant'))).toBe(`Tenant: ${tenantName}`);
      await eventually(() => page.title()).toBe(`${tenantName} · Keyward`);
      await page.getByRole('heading', { name: 'This key' }).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, `tenant-header-${width}.png`) });
      await page.getByRole('button', { name: 'Switch tenant' }).click();
      await page.getByRole('heading', { name: 'Pick a tenant' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Pick a tenant' }).waitFor();
      await eventually(() => page.title()).toBe('Keyward');
      await page.context().close();
    }
  });
});

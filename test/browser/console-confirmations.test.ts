/**
 * Issue 26 item 5 in Chromium: disabling and revoking a key are asked first, the question saying
 * what changes, and Cancel changes nothing; the rotated secret's dialog outlives Escape; Settings
 * and Environments say "Saved." after a save, and show a refusal.
 */
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

describe.skipIf(!hasChromium)('confirmations and feedback in the console', { timeout: TEST_MS }, () => {
  let world: ConsoleWorld;
  let made: { id: string; key: string };

  beforeAll(async () => {
    world = await startConsoleWorld();
    made = await world.created('/v1/keys', {
      environmentId: world.environmentId,
      name: 'billing',
      kind: 'application',
    });
  }, WORLD_START_MS);
  afterAll(async () => {
    await world?.close();
  });

  it('disables a key only after a confirmation that says what changes; Cancel changes nothing', async () => {
    for (const width of [1280, 390]) {
      const page = await world.signedIn({ width, height: 900 });
      await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
      await page.getByRole('button', { name: 'Disable', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Disable billing?' });
      await eventually(() => textOf(dialog)).toContain('Verify answers DISABLED');
      await eventually(() => sidewaysOverflow(page)).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, `confirm-disable-${width}.png`) });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await eventually(() => dialog.count()).toBe(0);
      expect(await world.verdict(made.key)).toBe('VALID');
    }
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    await page.getByRole('dialog', { name: 'Disable billing?' }).getByRole('button', { name: 'Disable key' }).click();
    await page.locator('.status-badge', { hasText: 'disabled' }).waitFor();
    expect(await world.verdict(made.key)).toBe('DISABLED');
    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await page.locator('.status-badge', { hasText: 'active' }).waitFor();
    expect(await world.verdict(made.key)).toBe('VALID');
  });

  it('keeps the rotated secret on screen through Escape, until "I have stored it"', async () => {
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByRole('button', { name: 'Rotate', exact: true }).click();
    await page.getByRole('button', { name: 'Rotate key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Key rotated' });
    await dialog.getByRole('button', { name: 'Copy' }).waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await eventually(() => dialog.getByRole('textbox').inputValue()).toMatch(/^[a-z0-9]{1,12}_[0-9A-Za-z]{38}$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'secret-dialog-1280.png') });
    await dialog.getByRole('button', { name: 'I have stored it' }).click();
    await eventually(() => dialog.count()).toBe(0);
  });

  it('revokes a key through its confirmation', async () => {
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke billing?' });
    await eventually(() => textOf(dialog)).toContain('cannot be undone');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await page.locator('.status-badge', { hasText: 'revoked' }).waitFor();
    expect((await world.call('GET', `/v1/keys/${made.id}`, world.adminKey)).body.status).toBe('revoked');
  });

  it("changes a user's role only after a confirmation naming the old and new role", async () => {
    const bob = await world.created('/v1/users', { name: 'Bob', email: 'bob@acme.example' });
    const page = await world.signedIn();
    await openArea(page, 'Users');
    await page.getByLabel('Role of Bob').selectOption('admin');
    const dialog = page.getByRole('dialog', { name: 'Make Bob an admin?' });
    await eventually(() => textOf(dialog)).toMatch(/goes from member to admin/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => page.getByLabel('Role of Bob').inputValue()).toBe('member');
    expect((await world.call('GET', `/v1/users/${bob.id}`, world.adminKey)).body.role).toBe('member');
    await page.getByLabel('Role of Bob').selectOption('admin');
    await dialog.getByRole('button', { name: 'Make admin' }).click();
    await eventually(async () => (await world.call('GET', `/v1/users/${bob.id}`, world.adminKey)).body.role).toBe(
      'admin',
    );
  });

  it('says "Saved." after saving Settings and an environment', async () => {
    const page = await world.signedIn();
    await openArea(page, 'Settings');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => textOf(page.getByRole('status').filter({ hasText: 'Saved.' }))).toBe('✓ Saved.');
    await openArea(page, 'Environments');
    await page
      .getByRole('button', { name: /^Save / })
      .first()
      .click();
    await eventually(() => textOf(page.getByRole('status').filter({ hasText: 'Saved.' }))).toBe('✓ Saved.');
    await page.screenshot({ path: join(SCREENSHOTS, 'environment-saved-1280.png'), fullPage: true });
  });
});

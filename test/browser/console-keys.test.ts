/**
 * A key's life in the console, in Chromium against the built server: made through the four
 * wizard steps (a preset, one extra scope, a group), found in the list, verified over HTTP, its
 * usage chart, rotated, disabled, revoked, and each of those events found on the audit page.
 * The steps share one key, so they run in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  hasChromium,
  openArea,
  shown,
  startConsoleWorld,
  textOf,
  type ConsoleWorld,
  TEST_MS,
  WORLD_START_MS,
} from './console-support.js';

/** A key as the console shows it once: `<prefix>_` and 38 base62 characters (SPEC §4). */
const KEY_TEXT = /^[a-z0-9]{1,12}_[0-9A-Za-z]{38}$/;

describe.skipIf(!hasChromium)('a key made and ended in the console', { timeout: TEST_MS }, () => {
  let world: ConsoleWorld;
  let groupId: string;
  let made: { id: string; secret: string };

  beforeAll(async () => {
    world = await startConsoleWorld();
    groupId = (await world.created('/v1/groups', { name: 'platform' })).id;
  }, WORLD_START_MS);
  afterAll(async () => {
    await world?.close();
  });

  it('creates a key through the four wizard steps with a preset, an extra scope and a group', async () => {
    const page = await world.signedIn();
    await openArea(page, 'Keys');
    await page.getByRole('link', { name: 'Create a key' }).click();

    await page.getByRole('heading', { name: 'Step 1 of 4: Preset' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('ci-deploy');
    await page.getByRole('radio', { name: 'deploy', exact: true }).check();
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Step 2 of 4: Scopes' }).waitFor();
    await eventually(() => textOf(page.getByRole('list', { name: 'Scopes' }))).toContain('namespace:admin');
    await page.getByLabel('Type', { exact: true }).selectOption('apiFunction');
    await page.getByLabel('Role', { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: 'Add scope apiFunction:viewer' }).click();
    await page.getByRole('button', { name: 'Remove apiFunction:viewer' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Step 3 of 4: Groups' }).waitFor();
    await page.getByRole('checkbox', { name: 'platform' }).check();
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Step 4 of 4: Review' }).waitFor();
    const review = page.locator('.review');
    await eventually(() => textOf(review)).toContain('deploy');
    await eventually(() => textOf(review)).toContain('apiFunction:viewer');
    await eventually(() => textOf(review)).toContain('platform');
    await page.getByRole('button', { name: 'Create key' }).click();

    const dialog = page.getByRole('dialog', { name: 'Key created' });
    await eventually(() => textOf(dialog)).toContain('shown this once');
    const secret = await shown(
      () => dialog.getByRole('textbox').inputValue(),
      (value) => expect(value).toMatch(KEY_TEXT),
    );
    await dialog.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('heading', { name: 'ci-deploy' }).waitFor();
    expect(await page.content()).not.toContain(secret);

    const id = new URL(page.url()).hash.split('/').pop() ?? '';
    made = { id, secret };
    const key = (await world.call('GET', `/v1/keys/${id}`, world.adminKey)).body;
    expect(key.preset).toBe('deploy');
    expect(key.scopes).toEqual(
      expect.arrayContaining(['namespace:admin', 'agent:editor', 'project:editor', 'apiFunction:viewer']),
    );
    expect(key.groupIds).toEqual([groupId]);
  });

  it('shows the new key first in the list, and finds it by name', async () => {
    const page = await world.signedIn();
    await openArea(page, 'Keys');
    const firstRow = page.locator('tbody tr').first();
    await firstRow.getByRole('link', { name: 'ci-deploy' }).waitFor();
    await page.getByLabel('Search', { exact: true }).fill('ci-dep');
    await eventually(() => page.locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('ci-deploy')]);
    await page.getByLabel('Search', { exact: true }).fill('nothing-like-it');
    await page.getByText('No key matches.').waitFor();
  });

  it("verifies the key over HTTP and shows the day's verifies on its page's chart", async () => {
    expect(await world.verdict(made.secret)).toBe('VALID');
    expect(await world.verdict(made.secret, { permission: 'secrets.manage' })).toBe('FORBIDDEN');
    // Usage is written off the verify path; wait until the API reports it.
    await eventually(
      async () => (await world.call('GET', `/v1/keys/${made.id}/usage`, world.adminKey)).body.total,
    ).toBe(2);
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByText('Verifies per day over the last 30 days, by verdict: 2 in all.').waitFor();
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    await page.getByText('Usage as a table').click();
    await eventually(() => textOf(page.locator('.usage tbody'))).toContain('FORBIDDEN 1');
    await eventually(() => textOf(page.locator('.facts').first())).toMatch(/Last used.*from /);
  });

  it('rotates the key with a grace period: the new secret shown once, the old one still valid', async () => {
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByRole('button', { name: 'Rotate', exact: true }).click();
    await page.getByLabel('Grace seconds').fill('60');
    await page.getByRole('button', { name: 'Rotate key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Key rotated' });
    const secret = await shown(
      () => dialog.getByRole('textbox').inputValue(),
      (value) => expect(value).toMatch(KEY_TEXT),
    );
    expect(secret).not.toBe(made.secret);
    expect(await world.verdict(secret)).toBe('VALID');
    expect(await world.verdict(made.secret)).toBe('VALID');
    await dialog.getByRole('button', { name: 'I have stored it' }).click();
    // While both secrets work, the key page says until when the old one does.
    await eventually(() => textOf(page.locator('.facts').first())).toMatch(/Previous secret\s*still works until/);
    made = { ...made, secret };
  });

  it('disables the key, which verify then answers DISABLED, and shows it on its badge', async () => {
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('dialog', { name: 'Disable ci-deploy?' }).getByRole('button', { name: 'Disable key' }).click();
    await page.locator('.status-badge', { hasText: 'disabled' }).waitFor();
    await page.getByRole('button', { name: 'Enable' }).waitFor();
    expect(await world.verdict(made.secret)).toBe('DISABLED');
  });

  it('revokes the key only after the confirmation', async () => {
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke ci-deploy?' });
    await eventually(() => textOf(dialog)).toContain('cannot be undone');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await page.locator('.status-badge', { hasText: 'revoked' }).waitFor();
    await eventually(() => page.getByRole('button', { name: 'Rotate', exact: true }).count()).toBe(0);
    expect(await world.verdict(made.secret)).toBe('REVOKED');
  });

  it("finds the key's creation, rotation, change and revocation on the audit page, newest first", async () => {
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByRole('link', { name: 'Audit events' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await eventually(async () =>
      (await page.locator('tbody tr td:nth-child(2)').allTextContents()).slice(0, 4),
    ).toEqual(['key.revoke', 'key.disabled', 'key.rotate', 'key.create']);
  });

  it("opens a refused call's event to show its reason", async () => {
    const worker = await world.created('/v1/keys', {
      environmentId: world.environmentId,
      name: 'worker',
      kind: 'application',
    });
    expect((await world.call('GET', '/v1/users', worker.key)).status).toBe(403);
    const page = await world.signedIn();
    await openArea(page, 'Audit');
    await page.getByLabel('Outcome').selectOption('denied');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('cell', { name: 'user.list' }).waitFor();
    await page
      .getByRole('button', { name: /^Details/ })
      .first()
      .click();
    await eventually(() => textOf(page.locator('.details-row'))).toContain('FORBIDDEN');
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await eventually(() => textOf(page.getByRole('status').filter({ hasText: 'Chain' }))).toContain('Chain ok');
  });
});

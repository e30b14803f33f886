/**
 * A key's life in the console, in Chromium against the built server: made through the four
 * wizard steps (a preset, one extra scope, a group), found in the list, verified over HTTP, its
 * usage chart, rotated, disabled, revoked, and each of those events found on the audit page.
 * The steps share one key, so they run in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openArea, startConsoleWorld, type ConsoleWorld, WORLD_START_MS } from './console-support.js';

describe.skipIf(!hasChromium)('a key made and ended in the console', () => {
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
    expect(await page.getByRole('list', { name: 'Scopes' }).textContent()).toContain('namespace:admin');
    await page.getByLabel('Type', { exact: true }).selectOption('apiFunction');
    await page.getByLabel('Role', { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: 'Add scope apiFunction:viewer' }).click();
    await page.getByRole('button', { name: 'Remove apiFunction:viewer' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Step 3 of 4: Groups' }).waitFor();
    await page.getByRole('checkbox', { name: 'platform' }).check();
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Step 4 of 4: Review' }).waitFor();
    const review = await page.locator('.review').textContent();
    expect(review).toContain('deploy');
    expect(review).toContain('apiFunction:viewer');
    expect(review).toContain('platform');
    await page.getByRole('button', { name: 'Create key' }).click();

    const dialog = page.getByRole('dialog', { name: 'Key created' });
    expect(await dialog.textContent()).toContain('shown this once');
    const secret = await dialog.getByRole('textbox').inputValue();
    await dialog.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('heading', { name: 'ci-deploy' }).waitFor();
    expect(await page.content()).not.toContain(secret);

    const id = new URL(page.url()).hash.split('/').pop() ?? '';
    made = { id, secret };
    const key = (await world.call('GET', `/v1/keys/${id}`, world.adminKey)).body;
    expect(key.preset).toBe('deploy');
    expect(key.scopes).toEqual(expect.arrayContaining(['namespace:admin', 'agent:editor', 'project:editor', 'apiFunction:viewer']));
    expect(key.groupIds).toEqual([groupId]);
  });

  it('shows the new key first in the list, and finds it by name', async () => {
    const page = await world.signedIn();
    await openArea(page, 'Keys');
    const firstRow = page.locator('tbody tr').first();
    await firstRow.getByRole('link', { name: 'ci-deploy' }).waitFor();
    await page.getByLabel('Search by name').fill('ci-dep');
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Search by name').fill('nothing-like-it');
    await page.getByText('No key matches.').waitFor();
  });

  it("verifies the key over HTTP and shows the day's verifies on its page's chart", async () => {
    expect(await world.verdict(made.secret)).toBe('VALID');
    expect(await world.verdict(made.secret, { permission: 'secrets.manage' })).toBe('FORBIDDEN');
    // Usage is written off the verify path; wait until the API reports it.
    for (let attempt = 0; attempt < 50; attempt++) {
      if ((await world.call('GET', `/v1/keys/${made.id}/usage`, world.adminKey)).body.total >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByText('Verifies per day over the last 30 days, by verdict: 2 in all.').waitFor();
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    await page.getByText('Usage as a table').click();
    expect(await page.locator('.usage tbody').textContent()).toContain('FORBIDDEN 1');
    expect(await page.locator('.facts').first().textContent()).toMatch(/Last used.*from /);
  });

  it('rotates the key with a grace period: the new secret shown once, the old one still valid', async () => {
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByRole('button', { name: 'Rotate', exact: true }).click();
    await page.getByLabel('Grace seconds').fill('60');
    await page.getByRole('button', { name: 'Rotate key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Key rotated' });
    const secret = await dialog.getByRole('textbox').inputValue();
    expect(secret).not.toBe(made.secret);
    expect(await world.verdict(secret)).toBe('VALID');
    expect(await world.verdict(made.secret)).toBe('VALID');
    await dialog.getByRole('button', { name: 'I have stored it' }).click();
    made = { ...made, secret };
  });

  it('disables the key, which verify then answers DISABLED, and shows it on its badge', async () => {
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.locator('.status-badge', { hasText: 'disabled' }).waitFor();
    await page.getByRole('button', { name: 'Enable' }).waitFor();
    expect(await world.verdict(made.secret)).toBe('DISABLED');
  });

  it('revokes the key only after the confirmation', async () => {
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke ci-deploy?' });
    expect(await dialog.textContent()).toContain('cannot be undone');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await page.locator('.status-badge', { hasText: 'revoked' }).waitFor();
    expect(await page.getByRole('button', { name: 'Rotate', exact: true }).count()).toBe(0);
    expect(await world.verdict(made.secret)).toBe('REVOKED');
  });

  it("finds the key's creation, rotation, change and revocation on the audit page, newest first", async () => {
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByRole('link', { name: 'Audit events' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('cell', { name: 'key.revoke' }).waitFor();
    const actions = await page.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(actions.slice(0, 4)).toEqual(['key.revoke', 'key.update', 'key.rotate', 'key.create']);
  });

  it("opens a refused call's event to show its reason", async () => {
    const worker = await world.created('/v1/keys', { environmentId: world.environmentId, name: 'worker', kind: 'application' });
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
    expect(await page.locator('.details-row').textContent()).toContain('FORBIDDEN');
    await page.getByRole('button', { name: 'Verify chain' }).click();
    expect(await page.getByRole('status').filter({ hasText: 'Chain' }).textContent()).toContain('Chain ok');
  });
});
